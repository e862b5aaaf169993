// The journal's records (pledge/server/store/journal.h): what is written comes back field for
// field, damage is refused, snapshots start replay over; and, on each store, that a long-lived
// process keeps few records and that a store of the tasks-table layout is converted on opening.
#include "pledge/server/store/journal.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "pledge/error.h"

namespace pledge::server {
namespace {

TaskRow fullRow(const Uuid& processId, int seq) {
  TaskRow row;
  row.id = Uuid::random();
  row.processId = processId;
  row.parentId = Uuid::random();
  row.seq = seq;
  row.isNew = true;
  row.spec = fmt::format(R"({{"taskId":"t{}","args":["é \" \\ \u0000"]}})", seq);
  row.state = TaskState::Leased;
  row.promise = PromiseState::Resolved;
  row.attempt = 300;
  row.attemptBase = 2;
  row.notBefore = 1'700'000'000'123;
  row.leaseUntil = -5;
  row.forwardTo = Uuid::random();
  row.value = R"({"big":12345678901234567890})";
  row.error = R"({"type":"X","message":"m"})";
  row.createdAt = 1;
  row.readyAt = 2;
  row.startedAt = 3;
  row.endedAt = 4;
  return row;
}

void expectSameTask(const TaskRow& got, const TaskRow& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.processId, want.processId);
  EXPECT_EQ(got.parentId, want.parentId);
  EXPECT_EQ(got.seq, want.seq);
  EXPECT_EQ(got.spec, want.spec);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.promise, want.promise);
  EXPECT_EQ(got.attempt, want.attempt);
  EXPECT_EQ(got.attemptBase, want.attemptBase);
  EXPECT_EQ(got.notBefore, want.notBefore);
  EXPECT_EQ(got.leaseUntil, want.leaseUntil);
  EXPECT_EQ(got.forwardTo, want.forwardTo);
  EXPECT_EQ(got.value, want.value);
  EXPECT_EQ(got.error, want.error);
  EXPECT_EQ(got.createdAt, want.createdAt);
  EXPECT_EQ(got.readyAt, want.readyAt);
  EXPECT_EQ(got.startedAt, want.startedAt);
  EXPECT_EQ(got.endedAt, want.endedAt);
}

TEST(JournalRecord, newAndChangedTasksComeBackFieldForFieldInSeqOrder) {
  const Uuid process = Uuid::random();
  TaskRow second = fullRow(process, 1);
  TaskRow first = fullRow(process, 0);
  first.parentId.reset();
  journal::Replay replay(process);
  replay.apply(journal::encode({&second, &first}, journal::Kind::Delta));

  // A change carries no spec, parent, seq or creation time: they stay as created.
  TaskRow changed = second;
  changed.isNew = false;
  changed.spec.clear();
  changed.parentId.reset();
  changed.createdAt = 99;
  changed.state = TaskState::Completed;
  changed.forwardTo.reset();
  changed.value.clear();
  changed.error.clear();
  changed.endedAt = 77;
  replay.apply(journal::encode({&changed}, journal::Kind::Delta));
  EXPECT_EQ(replay.records(), 2);

  std::vector<TaskRow> tasks = replay.take();
  ASSERT_EQ(tasks.size(), 2u);
  expectSameTask(tasks[0], first);
  TaskRow want = second;
  want.state = TaskState::Completed;
  want.forwardTo.reset();
  want.value.clear();
  want.error.clear();
  want.endedAt = 77;
  expectSameTask(tasks[1], want);
}

TEST(JournalRecord, aSnapshotStartsReplayOverWithEveryTaskInFull) {
  const Uuid process = Uuid::random();
  TaskRow a = fullRow(process, 0);
  TaskRow b = fullRow(process, 1);
  const std::string first = journal::encode({&a, &b}, journal::Kind::Delta);
  TaskRow bChanged = b;
  bChanged.isNew = false;
  bChanged.attempt = 7;
  const std::string snapshot =
      journal::snapshot(process, {first}, journal::encode({&bChanged}, journal::Kind::Delta));

  journal::Replay replay(process);
  const TaskRow before = fullRow(process, 5);
  replay.apply(journal::encode({&before}, journal::Kind::Delta));
  replay.apply(snapshot);
  EXPECT_EQ(replay.records(), 1);
  std::vector<TaskRow> tasks = replay.take();
  ASSERT_EQ(tasks.size(), 2u);
  expectSameTask(tasks[0], a);
  EXPECT_EQ(tasks[1].spec, b.spec);
  EXPECT_EQ(tasks[1].attempt, 7);
}

TEST(JournalRecord, damagedRecordsAreRefusedNamingTheProcess) {
  const Uuid process = Uuid::random();
  TaskRow row = fullRow(process, 0);
  const std::string record = journal::encode({&row}, journal::Kind::Delta);
  TaskRow change = row;
  change.isNew = false;
  const std::vector<std::string> damaged = {
      "",
      record.substr(0, record.size() - 1),
      record + "x",
      "\x07" + record.substr(1),
      journal::encode({&change}, journal::Kind::Delta),  // a change before the task exists
      std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12),
  };
  for (const std::string& bytes : damaged) {
    journal::Replay replay(process);
    try {
      replay.apply(bytes);
      ADD_FAILURE() << "took a damaged record of " << bytes.size() << " bytes";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(process.toString()), std::string::npos)
          << error.what();
    }
  }
}

}  // namespace
}  // namespace pledge::server
