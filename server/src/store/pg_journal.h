// PgStore's journal (docs/journal-store.md): writing a commit's task rows as records, converting
// an older store's tasks table, reading records back as task rows. Private to store/.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "pledge/server/store/store.h"

namespace pledge::server {
namespace journal {
class SnapshotCounter;
}

namespace pg {

class CommitSink;

// The commit's task rows: one record per process (a snapshot when snapshots says one is due),
// one task_ids row per new task; sent to sink, the commit's transaction.
void writeTasks(CommitSink& sink, const WriteBatch& batch, journal::SnapshotCounter& snapshots);

// Moves the rows of an older store's tasks table into journal snapshots and task_ids, 1,000
// processes per transaction under the migration lock, then drops the table. Resumes where a
// stopped conversion left off; nothing to do once the table is gone.
void convertToJournal(pqxx::connection& connection);

// A record column's bytes.
std::string recordOf(const pqxx::field& field);

// Rebuilds tasks from a result of (process_id, record) rows in (process, seq) order, appending
// them to out; tells counter (when given) how many records each process has.
void readTasks(const pqxx::result& result, std::vector<TaskRow>& out,
               journal::SnapshotCounter* counter);

// The tasks of the processes an uuid[] literal lists (ArrayLiteral::str()), by process, each
// ordered by seq; tells counter (when given) how many records each process has.
std::vector<TaskRow> tasksOf(pqxx::transaction_base& tx, const std::string& processIds,
                             journal::SnapshotCounter* counter);

}  // namespace pg
}  // namespace pledge::server
