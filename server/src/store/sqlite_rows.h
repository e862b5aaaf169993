// How the rows of the SQLite store are read: the column lists, readers of result rows, and the
// pieces of SQL that select processes. Private to store/.
#pragma once

#include <string>
#include <string_view>

#include "pledge/server/store/store.h"
#include "store/sqlite_connection.h"

namespace pledge::server::sqlite {

inline constexpr const char* kProcessColumns =
    "id, partition, start_task, custom_id, actor, method, state, started_at, ended_at, result, "
    "error, failed_task, wake_at, request_id";
inline constexpr const char* kTaskColumns =
    "id, process_id, spec, state, promise, attempt, attempt_base, not_before, lease_until, "
    "forward_to, value, error, created_at, ready_at, started_at, ended_at, parent_id, seq";

// Process states as stored; the numbers must never change.
inline int storedState(ProcessState state) { return static_cast<int>(state); }

// The current row of SELECT kProcessColumns / kTaskColumns.
ProcessRow readProcess(const Statement& row);
TaskRow readTask(const Statement& row);

// "a, b" -> "t.a, t.b".
std::string qualified(std::string_view columns, std::string_view alias);

// " AND <alias>partition IN (...)", or nothing for every partition.
std::string partitionFilter(std::string_view alias, const PartitionSet& partitions);

}  // namespace pledge::server::sqlite
