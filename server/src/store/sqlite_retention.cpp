// SqliteStore's part of retention (docs/operations.md "Retention"): finding ended processes by
// when they ended (reader connection) and deleting them with what belongs to them
// (rows::kRowsOfAProcess) in one short write transaction per batch.
#include <fmt/format.h>
#include <sqlite3.h>

#include "pledge/server/store/sqlite_store.h"
#include "pledge/server/store/journal.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_store_statements.h"
#include "store/stored_rows.h"

namespace pledge::server {

using sqlite::partitionFilter;
using sqlite::Statement;

std::vector<EndedProcess> SqliteStore::endedBefore(std::int64_t cutoff, int limit,
                                                   const PartitionSet& partitions) {
  std::lock_guard lock(readMutex_);
  Statement select(reader_,
                   fmt::format("SELECT {} FROM processes WHERE {} AND ended_at < ?1{} "
                               "ORDER BY ended_at LIMIT ?2",
                               rows::kProcessColumns, rows::endedCondition(""),
                               partitionFilter("", partitions)));
  select.bind(1, cutoff).bind(2, std::int64_t{limit});
  std::vector<ProcessRow> processes;
  while (select.step()) processes.push_back(rows::readProcess(select));
  Statement records(reader_,
                    "SELECT process_id, record FROM journal WHERE process_id = ? ORDER BY seq");
  std::vector<TaskRow> taskRows;
  for (const ProcessRow& process : processes) {
    sqlite::ResetOnExit reset(records);
    records.bind(1, process.info.processId);
    readTasks(records, taskRows, /*count=*/false);
  }
  return rows::pairEnded(std::move(processes), std::move(taskRows));
}

DeletedRows SqliteStore::deleteEnded(const std::vector<Uuid>& ids) {
  DeletedRows deleted;
  if (ids.empty()) return deleted;
  std::lock_guard lock(writeMutex_);
  Statement process(writer_, fmt::format("DELETE FROM processes WHERE id = ?1 AND {}",
                                         rows::endedCondition("")));
  std::vector<std::unique_ptr<Statement>> owned;
  for (const rows::OwnedRows& table : rows::kRowsOfAProcess) {
    owned.push_back(std::make_unique<Statement>(writer_, rows::deleteOwnedRows(table, "= ?1")));
  }
  Statement taskId(writer_, "DELETE FROM task_ids WHERE id = ?");
  Statements& s = *writeStatements_;
  s.begin.run();
  try {
    for (const Uuid& id : ids) {
      process.bind(1, id).run();
      if (sqlite3_changes(writer_) == 0) continue;  // gone already, or not ended
      ++deleted.processes;
      // task_ids is keyed by task only: the process's records name its tasks.
      journal::Replay replay(id);
      {
        sqlite::ResetOnExit reset(s.readJournal);
        s.readJournal.bind(1, id);
        while (s.readJournal.step()) replay.apply(s.readJournal.blob(0));
      }
      for (const Uuid& task : replay.taskIds()) {
        taskId.bind(1, task).run();
        deleted.tasks += sqlite3_changes(writer_);
      }
      for (std::unique_ptr<Statement>& rows : owned) rows->bind(1, id).run();
    }
    s.commit.run();
  } catch (...) {
    s.commit.reset();
    rollbackQuietly();
    throw;
  }
  return deleted;
}

std::optional<std::int64_t> SqliteStore::oldestEnded(const PartitionSet& partitions) {
  std::lock_guard lock(readMutex_);
  Statement select(reader_, fmt::format("SELECT ended_at FROM processes WHERE {}{} "
                                        "ORDER BY ended_at LIMIT 1",
                                        rows::endedCondition(""), partitionFilter("", partitions)));
  if (!select.step()) return std::nullopt;
  return select.integer(0);
}

}  // namespace pledge::server
