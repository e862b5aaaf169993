// PgStore's journal (docs/journal-store.md): the task part of a commit (one record per process in
// one INSERT, a snapshot every journal::kSnapshotEvery), the conversion of an older store's tasks
// table, and reading tasks back from records.
#include "store/pg_journal.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>

#include "pledge/server/store/journal.h"
#include "store/pg_binary_array.h"
#include "store/pg_commit.h"
#include "store/pg_migrations.h"
#include "store/pg_rows.h"

namespace pledge::server::pg {
namespace {

// Appends records, at most one per process: journal_seq numbers them after every record
// before, whichever node wrote those (the sequence has no per-session cache).
Statement appendRecords(BinaryArray& processes, BinaryArray& records) {
  return {"append_records",
          "INSERT INTO journal (process_id, seq, record) SELECT u.p, nextval('journal_seq'), u.r "
          "FROM unnest($1::uuid[], $2::bytea[]) AS u(p, r)",
          {processes.take(), records.take()}};
}

Statement insertTaskIds(BinaryArray& tasks, BinaryArray& processes) {
  return {"insert_task_ids",
          "INSERT INTO task_ids (id, process_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])",
          {tasks.take(), processes.take()}};
}

}  // namespace

void writeTasks(CommitSink& sink, const WriteBatch& batch, journal::SnapshotCounter& snapshots) {
  BinaryArray processes(BinaryArray::Type::Uuid);
  BinaryArray records(BinaryArray::Type::Bytea);
  BinaryArray newTasks(BinaryArray::Type::Uuid);
  BinaryArray newTaskProcesses(BinaryArray::Type::Uuid);
  const std::vector<journal::ProcessChanges> changed = journal::byProcess(batch.tasks);
  // Processes due a snapshot: their records are read, deleted and replaced by one.
  std::map<Uuid, std::vector<std::string>> due;
  for (const journal::ProcessChanges& changes : changed) {
    if (snapshots.next(changes.processId)) due[changes.processId];
  }
  if (!due.empty()) {
    std::vector<Uuid> ids;
    BinaryArray deleted(BinaryArray::Type::Uuid);
    for (const auto& entry : due) {
      ids.push_back(entry.first);
      deleted.add(entry.first);
    }
    for (auto& [id, record] : sink.records(ids)) due[id].push_back(std::move(record));
    sink.add({"delete_records", "DELETE FROM journal WHERE process_id = ANY($1::uuid[])",
              {deleted.take()}});
  }
  for (const journal::ProcessChanges& changes : changed) {
    for (const TaskRow* row : changes.rows) {
      if (!row->isNew) continue;
      newTasks.add(row->id);
      newTaskProcesses.add(row->processId);
    }
    std::string record = journal::encode(changes.rows, journal::Kind::Delta);
    if (auto stored = due.find(changes.processId); stored != due.end()) {
      record = journal::snapshot(changes.processId, stored->second, record);
    }
    processes.add(changes.processId);
    records.add(record);
  }
  if (newTasks.size() > 0) sink.add(insertTaskIds(newTasks, newTaskProcesses));
  if (records.size() > 0) sink.add(appendRecords(processes, records));
  for (const ProcessRow& row : batch.processes) {
    if (journal::leavesMemory(row)) snapshots.forget(row.info.processId);
  }
}

void convertToJournal(pqxx::connection& connection) {
  std::int64_t done = 0;
  while (true) {
    pqxx::work tx(connection);
    // Nodes starting at once convert by turns, each a batch at a time.
    lockMigrations(tx);
    if (tx.exec("SELECT to_regclass('tasks') IS NOT NULL")[0][0].as<bool>() == false) return;
    ArrayLiteral ids;
    std::size_t count = 0;
    for (const auto& row : tx.exec("SELECT DISTINCT process_id FROM tasks LIMIT 1000")) {
      ids.add(*uuidOf(row[0]));
      ++count;
    }
    if (count == 0) {
      tx.exec("DROP TABLE tasks");
      tx.commit();
      return;
    }
    if (done == 0) spdlog::info("converting the tasks table to the journal");
    std::vector<TaskRow> rows;
    for (const auto& row : tx.exec_params(
             fmt::format("SELECT {} FROM tasks WHERE process_id = ANY($1::uuid[]) "
                         "ORDER BY process_id, seq",
                         kTaskColumns),
             ids.str())) {
      rows.push_back(readTask(row));
    }
    BinaryArray processes(BinaryArray::Type::Uuid);
    BinaryArray records(BinaryArray::Type::Bytea);
    BinaryArray taskIds(BinaryArray::Type::Uuid);
    BinaryArray taskProcesses(BinaryArray::Type::Uuid);
    for (const journal::ProcessChanges& process : journal::byProcess(rows)) {
      processes.add(process.processId);
      records.add(journal::encode(process.rows, journal::Kind::Snapshot));
      for (const TaskRow* row : process.rows) {
        taskIds.add(row->id);
        taskProcesses.add(row->processId);
      }
    }
    TransactionSink sink(tx);
    sink.add(insertTaskIds(taskIds, taskProcesses));
    sink.add(appendRecords(processes, records));
    tx.exec_params("DELETE FROM tasks WHERE process_id = ANY($1::uuid[])", ids.str());
    tx.commit();
    done += static_cast<std::int64_t>(count);
    spdlog::info("converted {} processes to the journal", done);
  }
}

std::string recordOf(const pqxx::field& field) {
  pqxx::binarystring bytes(field);
  return std::string(bytes.get(), bytes.get() + bytes.size());
}

void readTasks(const pqxx::result& result, std::vector<TaskRow>& out,
               journal::SnapshotCounter* counter) {
  journal::Rebuilder rebuild(out, counter);
  for (const auto& row : result) rebuild.add(*uuidOf(row[0]), recordOf(row[1]));
  rebuild.finish();
}

std::vector<TaskRow> tasksOf(pqxx::transaction_base& tx, const std::string& processIds,
                             journal::SnapshotCounter* counter) {
  std::vector<TaskRow> tasks;
  readTasks(tx.exec_params("SELECT process_id, record FROM journal WHERE process_id = "
                           "ANY($1::uuid[]) ORDER BY process_id, seq",
                           processIds),
            tasks, counter);
  return tasks;
}

}  // namespace pledge::server::pg
