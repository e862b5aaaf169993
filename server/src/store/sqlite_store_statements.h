// The statements SqliteStore prepares once: the writer connection's (commit) and the reader
// connection's start lookups (findStarts). Private to store/.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>

#include "pledge/server/store/sqlite_store.h"
#include "store/sqlite_connection.h"
#include "store/stored_rows.h"

namespace pledge::server {

namespace sqlite {
// " AND <alias>partition IN (...)", or nothing for every partition.
std::string partitionFilter(std::string_view alias, const PartitionSet& partitions);
}  // namespace sqlite

// The start lookups of the reader connection, prepared once (findStarts).
struct SqliteStore::StartLookups {
  std::unique_ptr<sqlite::Statement> byCustomId;
  std::unique_ptr<sqlite::Statement> byRequestId;
};

// The statements of the writer connection, prepared once.
class SqliteStore::Statements {
 public:
  explicit Statements(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT"),
        rollback(db, "ROLLBACK"),
        insertProcess(
            db, fmt::format("INSERT INTO processes ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            rows::kProcessColumns)),
        updateProcess(db,
                      "UPDATE processes SET state = ?2, ended_at = ?3, result = ?4, error = ?5, "
                      "failed_task = ?6, wake_at = ?7, paused = ?8 WHERE id = ?1"),
        insertTag(db,
                  "INSERT INTO process_tags (process_id, key, value, started_at) "
                  "VALUES (?, ?, ?, ?)"),
        insertTask(
            db, fmt::format("INSERT INTO tasks ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            rows::kTaskColumns)),
        updateTask(db,
                   "UPDATE tasks SET state = ?2, promise = ?3, attempt = ?4, attempt_base = ?5, "
                   "not_before = ?6, lease_until = ?7, forward_to = ?8, value = ?9, error = ?10, "
                   "ready_at = ?11, started_at = ?12, ended_at = ?13 WHERE id = ?1") {}

  sqlite::Statement begin;
  sqlite::Statement commit;
  sqlite::Statement rollback;
  sqlite::Statement insertProcess;
  sqlite::Statement updateProcess;
  sqlite::Statement insertTag;
  sqlite::Statement insertTask;
  sqlite::Statement updateTask;
};

}  // namespace pledge::server
