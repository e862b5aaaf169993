// SqliteStore's journal (docs/journal-store.md): the task part of a commit (one record per
// process, a snapshot every journal::kSnapshotEvery), the conversion of an older store's tasks
// table, and reading a process's tasks back.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "pledge/server/store/sqlite_store.h"
#include "pledge/server/store/journal.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_store_statements.h"
#include "store/stored_rows.h"

namespace pledge::server {

using sqlite::exec;
using sqlite::ResetOnExit;
using sqlite::Statement;

namespace sqlite {

void convertToJournal(sqlite3* db) {
  {
    Statement table(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tasks'");
    if (!table.step()) return;
  }
  std::int64_t total = 0;
  {
    Statement count(db, "SELECT COUNT(DISTINCT process_id) FROM tasks");
    if (count.step()) total = count.integer(0);
  }
  if (total > 0) spdlog::info("converting the tasks of {} processes to the journal", total);
  Statement batch(db, "SELECT DISTINCT process_id FROM tasks LIMIT 1000");
  Statement tasks(db, fmt::format("SELECT {} FROM tasks WHERE process_id = ? ORDER BY seq",
                                  rows::kTaskColumns));
  Statement append(db, "INSERT INTO journal (process_id, record) VALUES (?, ?)");
  Statement taskId(db, "INSERT INTO task_ids (id, process_id) VALUES (?, ?)");
  Statement remove(db, "DELETE FROM tasks WHERE process_id = ?");
  std::int64_t done = 0;
  while (true) {
    exec(db, "BEGIN IMMEDIATE");
    try {
      std::vector<Uuid> ids;
      while (batch.step()) ids.push_back(*batch.uuid(0));
      batch.reset();
      for (const Uuid& id : ids) {
        std::vector<TaskRow> rows;
        {
          ResetOnExit reset(tasks);
          tasks.bind(1, id);
          while (tasks.step()) rows.push_back(rows::readTask(tasks));
        }
        std::vector<const TaskRow*> pointers;
        for (const TaskRow& row : rows) {
          pointers.push_back(&row);
          taskId.bind(1, row.id).bind(2, id).run();
        }
        const std::string record = journal::encode(pointers, journal::Kind::Snapshot);
        append.bind(1, id).bindBlob(2, record).run();
        remove.bind(1, id).run();
      }
      if (ids.empty()) exec(db, "DROP TABLE tasks");
      exec(db, "COMMIT");
      if (ids.empty()) break;
      done += static_cast<std::int64_t>(ids.size());
      spdlog::info("converted {} of {} processes to the journal", done, total);
    } catch (...) {
      batch.reset();
      if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
}

}  // namespace sqlite

void SqliteStore::startJournal() {
  // Records of one process must sort in the order they were written, across restarts: seq is
  // the rowid, so new records also land at the right edge of the table, and max() is one seek.
  Statement last(writer_, "SELECT coalesce(max(seq), 0) FROM journal");
  nextJournalSeq_ = last.step() ? last.integer(0) + 1 : 1;
}

void SqliteStore::writeTasks(const WriteBatch& batch) {
  Statements& s = *writeStatements_;
  for (const journal::ProcessChanges& changes : journal::byProcess(batch.tasks)) {
    for (const TaskRow* row : changes.rows) {
      if (row->isNew) s.insertTaskId.bind(1, row->id).bind(2, row->processId).run();
    }
    std::string record = journal::encode(changes.rows, journal::Kind::Delta);
    if (snapshots_->next(changes.processId)) {
      std::vector<std::string> records;
      {
        ResetOnExit reset(s.readJournal);
        s.readJournal.bind(1, changes.processId);
        while (s.readJournal.step()) records.emplace_back(s.readJournal.blob(0));
      }
      record = journal::snapshot(changes.processId, records, record);
      s.deleteJournal.bind(1, changes.processId).run();
    }
    s.appendJournal.bind(1, changes.processId).bind(2, nextJournalSeq_++).bindBlob(3, record);
    s.appendJournal.run();
  }
  for (const ProcessRow& row : batch.processes) {
    if (journal::leavesMemory(row)) snapshots_->forget(row.info.processId);
  }
}

void SqliteStore::readTasks(Statement& query, std::vector<TaskRow>& out, bool count) {
  journal::Rebuilder rebuild(out, count ? snapshots_.get() : nullptr);
  while (query.step()) rebuild.add(*query.uuid(0), query.blob(1));
  rebuild.finish();
}

std::vector<TaskRow> SqliteStore::processTasks(const Uuid& processId) {
  std::lock_guard lock(readMutex_);
  return tasksOf(processId);
}

std::vector<TaskRow> SqliteStore::tasksOf(const Uuid& processId) {
  Statement query(reader_,
                  "SELECT process_id, record FROM journal WHERE process_id = ? ORDER BY seq");
  query.bind(1, processId);
  std::vector<TaskRow> rows;
  readTasks(query, rows, /*count=*/false);
  return rows;
}

std::optional<TaskRow> SqliteStore::findTask(const Uuid& id) {
  std::lock_guard lock(readMutex_);
  Statement owner(reader_, "SELECT process_id FROM task_ids WHERE id = ?");
  owner.bind(1, id);
  if (!owner.step()) return std::nullopt;
  for (TaskRow& task : tasksOf(*owner.uuid(0))) {
    if (task.id == id) return std::move(task);
  }
  return std::nullopt;
}

}  // namespace pledge::server
