// The journal on each store (docs/journal-store.md): a process that changes for a long time is
// rebuilt from a bounded number of records, also across restarts; a store written by a version
// with the tasks table is converted when it opens, rows for rows.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "pledge/server/store/journal.h"
#include "store_fixture.h"

namespace pledge::server {
namespace {

class JournalStore : public ::testing::TestWithParam<std::string> {
 protected:
  std::int64_t records() const {
    return std::stoll(place_.query("SELECT count(*) FROM journal")[0]);
  }

  // An id as the store's SQL writes it.
  std::string literal(const Uuid& id) const {
    if (!place_.isSqlite()) return fmt::format("'{}'", id.toString());
    std::string hex = id.toString();
    std::erase(hex, '-');
    return fmt::format("X'{}'", hex);
  }

  StorePlace place_{GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Stores, JournalStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

ProcessRow newProcess(const Uuid& startTask) {
  ProcessRow row;
  row.info.processId = Uuid::random();
  row.info.taskId = startTask;
  row.info.actor = "D#1";
  row.info.method = "start";
  row.info.startedAt = 1;
  row.partition = 3;
  row.isNew = true;
  return row;
}

TEST_P(JournalStore, aLongLivedProcessIsRebuiltFromAtMostASnapshotAndItsLaterRecords) {
  constexpr int kBound = journal::kSnapshotEvery + 1;
  TaskRow task;
  task.id = Uuid::random();
  task.isNew = true;
  task.spec = R"({"taskId":"start"})";
  task.state = TaskState::Leased;
  ProcessRow process = newProcess(task.id);
  task.processId = process.info.processId;
  TaskRow other = task;
  other.id = Uuid::random();
  other.seq = 1;
  other.spec = R"({"taskId":"other"})";
  {
    auto store = place_.open();
    store->commit(WriteBatch{{process}, {task, other}});
    task.isNew = false;
    task.spec.clear();
    for (int i = 1; i <= 100; ++i) {
      task.attempt = i;
      store->commit(WriteBatch{{}, {task}});
      ASSERT_LE(records(), kBound) << "after commit " << i;
    }
    std::vector<TaskRow> tasks = store->processTasks(process.info.processId);
    ASSERT_EQ(tasks.size(), 2u);
    EXPECT_EQ(tasks[0].attempt, 100);
    EXPECT_EQ(tasks[0].spec, R"({"taskId":"start"})");
    EXPECT_EQ(tasks[1].spec, R"({"taskId":"other"})");
  }
  // A restart reads the records and counts on from them.
  auto store = place_.open();
  LiveState live = store->loadLive(0, PartitionSet::all());
  ASSERT_EQ(live.tasks.size(), 2u);
  EXPECT_EQ(live.tasks[0].attempt, 100);
  for (int i = 101; i <= 140; ++i) {
    task.attempt = i;
    store->commit(WriteBatch{{}, {task}});
    ASSERT_LE(records(), kBound) << "after commit " << i;
  }
  EXPECT_EQ(store->findTask(task.id)->attempt, 140);
  EXPECT_EQ(store->findTask(other.id)->spec, R"({"taskId":"other"})");
}

TEST_P(JournalStore, aStoreOfTheTasksTableIsConvertedWhenItOpens) {
  constexpr int kProcesses = 2'100;  // more than one conversion batch of 1,000
  std::vector<ProcessRow> processes;
  {
    auto store = place_.open();
    WriteBatch batch;
    for (int i = 0; i < kProcesses; ++i) batch.processes.push_back(newProcess(Uuid::random()));
    store->commit(batch);
    processes = batch.processes;
  }
  // Back to the schema before the journal (SQLite 12, PostgreSQL 10), tasks table and all.
  if (place_.isSqlite()) {
    place_.query(
        "DROP TABLE journal; DROP TABLE task_ids; UPDATE schema_version SET version = 12; "
        "CREATE TABLE tasks (id BLOB PRIMARY KEY, process_id BLOB NOT NULL, spec TEXT NOT NULL, "
        "state INTEGER NOT NULL, promise INTEGER NOT NULL, attempt INTEGER NOT NULL, "
        "attempt_base INTEGER NOT NULL, not_before INTEGER NOT NULL, lease_until INTEGER NOT "
        "NULL, forward_to BLOB, value TEXT, error TEXT, created_at INTEGER NOT NULL, ready_at "
        "INTEGER NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, parent_id "
        "BLOB, seq INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID; "
        "CREATE INDEX tasks_by_process ON tasks (process_id);");
  } else {
    place_.query(
        "DROP TABLE journal; DROP TABLE task_ids; DROP SEQUENCE journal_seq; "
        "DROP TABLE process_states; DROP TABLE process_ends; DROP TABLE process_horizons; "
        "ALTER TABLE processes RESET (fillfactor); CREATE INDEX processes_by_state ON processes "
        "(state, started_at DESC, id DESC); CREATE INDEX processes_live ON processes (partition) WHERE state IN (0, 2); "
        "CREATE INDEX processes_ended ON processes (ended_at) WHERE state IN (1, 3); "
        "UPDATE schema_version SET version = 10; "
        "CREATE TABLE tasks (id UUID PRIMARY KEY, process_id UUID NOT NULL, parent_id UUID, seq "
        "INTEGER NOT NULL, spec TEXT NOT NULL, state INTEGER NOT NULL, promise INTEGER NOT NULL, "
        "attempt INTEGER NOT NULL, attempt_base INTEGER NOT NULL, not_before BIGINT NOT NULL, "
        "lease_until BIGINT NOT NULL, forward_to UUID, value TEXT, error TEXT, created_at BIGINT "
        "NOT NULL, ready_at BIGINT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT NOT "
        "NULL); CREATE INDEX tasks_by_process ON tasks (process_id, seq);");
  }
  // Two tasks a process: the start task, done, and one it created, forwarded to, with an error.
  std::vector<Uuid> children;
  for (int from = 0; from < kProcesses; from += 500) {
    std::string values;
    for (int i = from; i < std::min(from + 500, kProcesses); ++i) {
      const ProcessRow& process = processes[static_cast<std::size_t>(i)];
      children.push_back(Uuid::random());
      const std::string id = literal(process.info.processId);
      const std::string start = literal(process.info.taskId);
      values += fmt::format(
          "({}, {}, NULL, 0, '{{\"n\":{}}}', 4, 1, 1, 0, 0, 0, NULL, '\"v{}\"', NULL, 10, 11, "
          "12, 13),",
          start, id, i, i);
      values += fmt::format(
          "({}, {}, {}, 1, '{{\"child\":{}}}', 3, 0, 2, 1, 5, 6, {}, NULL, '{{\"message\":\"e\"}}', "
          "20, 21, 22, 0),",
          literal(children.back()), id, start, i, start);
    }
    values.pop_back();
    place_.query(
        "INSERT INTO tasks (id, process_id, parent_id, seq, spec, state, promise, attempt, "
        "attempt_base, not_before, lease_until, forward_to, value, error, created_at, ready_at, "
        "started_at, ended_at) VALUES " +
        values);
  }

  auto store = place_.open();
  const std::string tasksTable =
      place_.isSqlite() ? "SELECT count(*) FROM sqlite_master WHERE name = 'tasks'"
                        : "SELECT count(*) FROM pg_class WHERE relname = 'tasks'";
  EXPECT_EQ(place_.query(tasksTable)[0], "0");
  EXPECT_EQ(records(), kProcesses);
  EXPECT_EQ(place_.query("SELECT count(*) FROM task_ids")[0], std::to_string(2 * kProcesses));

  // On PostgreSQL the live processes are found through process_states, which the migration to
  // 15 filled from the processes.
  LiveState live = store->loadLive(0, PartitionSet::all());
  EXPECT_EQ(live.processes.size(), static_cast<std::size_t>(kProcesses));
  EXPECT_EQ(live.tasks.size(), static_cast<std::size_t>(2 * kProcesses));
  const std::size_t probe = 1'234;
  std::optional<TaskRow> child = store->findTask(children[probe]);
  ASSERT_TRUE(child);
  EXPECT_EQ(child->processId, processes[probe].info.processId);
  EXPECT_EQ(child->parentId, processes[probe].info.taskId);
  EXPECT_EQ(child->seq, 1);
  EXPECT_EQ(child->spec, R"({"child":1234})");
  EXPECT_EQ(child->state, TaskState::Leased);
  EXPECT_EQ(child->attempt, 2);
  EXPECT_EQ(child->attemptBase, 1);
  EXPECT_EQ(child->notBefore, 5);
  EXPECT_EQ(child->leaseUntil, 6);
  EXPECT_EQ(child->forwardTo, processes[probe].info.taskId);
  EXPECT_EQ(child->error, R"({"message":"e"})");
  EXPECT_EQ(child->readyAt, 21);
  std::vector<TaskRow> tasks = store->processTasks(processes[probe].info.processId);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].value, "\"v1234\"");
  EXPECT_EQ(tasks[0].state, TaskState::Completed);
  EXPECT_EQ(tasks[0].endedAt, 13);

  // A converted process goes on: its next commit appends after the snapshot.
  TaskRow next = tasks[1];
  next.state = TaskState::Completed;
  store->commit(WriteBatch{{}, {next}});
  EXPECT_EQ(store->findTask(next.id)->state, TaskState::Completed);
  EXPECT_EQ(records(), kProcesses + 1);
}

}  // namespace
}  // namespace pledge::server
