// Retention in the Store (docs/operations.md "Retention"), for each store: which processes are
// due (ended, of the partitions, before the cutoff) and what goes with a deleted process: its
// tasks, its event waits and deliveries and the events kept for it, nothing of the others.
#include <gtest/gtest.h>

#include "pledge/server/store/store.h"
#include "store_fixture.h"

namespace pledge::server {
namespace {

constexpr std::int64_t kNow = 1'000'000;

class RetentionStore : public ::testing::TestWithParam<std::string> {
 protected:
  // A process in state, ended at endedAt (when it ended), of partition, with tasks tasks.
  Uuid add(ProcessState state, std::int64_t endedAt, int partition, int tasks = 2) {
    WriteBatch batch;
    ProcessRow process;
    process.info.processId = Uuid::random();
    process.info.taskId = Uuid::random();
    process.info.actor = "D#1";
    process.info.method = "start";
    process.info.state = state;
    process.info.startedAt = endedAt - 10;
    if (state == ProcessState::Completed || state == ProcessState::Aborted) {
      process.info.endedAt = endedAt;
      process.info.result = 7;
    }
    process.partition = partition;
    process.isNew = true;
    batch.processes.push_back(process);
    for (int i = 0; i < tasks; ++i) {
      TaskRow task;
      task.id = i == 0 ? process.info.taskId : Uuid::random();
      task.processId = process.info.processId;
      task.partition = partition;
      task.seq = i;
      task.isNew = true;
      task.spec = R"({"actor":"D#1","method":"start"})";
      task.state = TaskState::Completed;
      task.createdAt = endedAt - 10;
      batch.tasks.push_back(task);
    }
    store_->commit(batch);
    return process.info.processId;
  }

  std::vector<Uuid> due(std::int64_t cutoff, int limit, const PartitionSet& partitions) {
    std::vector<Uuid> ids;
    for (const EndedProcess& ended : store_->endedBefore(cutoff, limit, partitions)) {
      ids.push_back(ended.process.info.processId);
    }
    return ids;
  }

  StorePlace place_{GetParam()};
  std::unique_ptr<Store> store_ = place_.open();
};

INSTANTIATE_TEST_SUITE_P(Stores, RetentionStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(RetentionStore, onlyEndedProcessesOfThePartitionsThatEndedBeforeTheCutoffAreDueOldestFirst) {
  const Uuid completed = add(ProcessState::Completed, kNow - 300, 1);
  const Uuid aborted = add(ProcessState::Aborted, kNow - 200, 2);
  const Uuid recent = add(ProcessState::Completed, kNow + 100, 1);
  add(ProcessState::Running, 0, 1);
  add(ProcessState::Broken, 0, 1);
  const Uuid otherPartition = add(ProcessState::Completed, kNow - 400, 5);

  EXPECT_EQ(due(kNow, 10, PartitionSet::all()),
            (std::vector<Uuid>{otherPartition, completed, aborted}));
  EXPECT_EQ(due(kNow, 10, PartitionSet::of({1, 2})), (std::vector<Uuid>{completed, aborted}));
  EXPECT_EQ(due(kNow, 1, PartitionSet::of({1, 2})), (std::vector<Uuid>{completed}));
  EXPECT_TRUE(due(kNow, 10, PartitionSet::of({3})).empty());
  EXPECT_EQ(due(kNow + 101, 10, PartitionSet::of({1})), (std::vector<Uuid>{completed, recent}));
  EXPECT_EQ(store_->oldestEnded(PartitionSet::all()), kNow - 400);
  EXPECT_EQ(store_->oldestEnded(PartitionSet::of({1, 2})), kNow - 300);
  EXPECT_EQ(store_->oldestEnded(PartitionSet::of({3})), std::nullopt);

  std::vector<EndedProcess> read = store_->endedBefore(kNow, 1, PartitionSet::of({1}));
  ASSERT_EQ(read.size(), 1U);
  EXPECT_EQ(read[0].process.info.state, ProcessState::Completed);
  EXPECT_EQ(read[0].process.info.result, 7);
  ASSERT_EQ(read[0].tasks.size(), 2U);
  EXPECT_EQ(read[0].tasks[0].id, read[0].process.info.taskId);
  EXPECT_EQ(read[0].tasks[1].seq, 1);
}

TEST_P(RetentionStore, aDeletedProcessTakesItsTasksAndEventRowsAndNothingElse) {
  const Uuid gone = add(ProcessState::Completed, kNow - 100, 3, 3);
  const Uuid kept = add(ProcessState::Completed, kNow - 100, 3, 1);
  const Uuid running = add(ProcessState::Running, 0, 3, 1);
  const Uuid broken = add(ProcessState::Broken, 0, 3, 1);
  const std::vector<EndedProcess> due = store_->endedBefore(kNow, 10, PartitionSet::all());
  ASSERT_EQ(due.size(), 2U);
  const Uuid goneTask = due[0].process.info.processId == gone ? due[0].tasks[1].id
                                                              : due[1].tasks[1].id;
  // Rows of events that refer to the process and its task: a wait with a delivery made to it,
  // a second wait, an event kept for the process.
  WriteBatch events;
  events.events.now = kNow;
  events.events.claims = {EventClaim{goneTask, gone, 3, {"paid"}, "order-1"},
                          EventClaim{Uuid::random(), gone, 3, {"shipped"}, "order-1"},
                          EventClaim{Uuid::random(), kept, 3, {"shipped"}, "order-2"}};
  events.events.sends = {
      EventSend{Event{.name = "paid", .key = "order-1", .payload = 1}, std::nullopt, kNow, kNow},
      EventSend{Event{.name = "refund", .key = "order-1", .payload = 2}, gone, kNow,
                kNow + 10'000}};
  EventAnswers answers = store_->commit(events);
  ASSERT_EQ(answers.sends.at(0).resolved, 1);
  ASSERT_TRUE(answers.sends.at(1).kept);
  ASSERT_EQ(store_->pendingDeliveries(PartitionSet::all(), 10).size(), 1U);
  ASSERT_EQ(store_->keptEvents("refund", kNow, 10).size(), 1U);

  // Running and broken ones are never deleted, even when asked for.
  const DeletedRows deleted = store_->deleteEnded({gone, running, broken});
  EXPECT_EQ(deleted.processes, 1);
  EXPECT_EQ(deleted.tasks, 3);
  EXPECT_FALSE(store_->findProcess(gone));
  EXPECT_TRUE(store_->processTasks(gone).empty());
  EXPECT_FALSE(store_->findTask(goneTask));
  EXPECT_TRUE(store_->findProcess(running));
  EXPECT_TRUE(store_->findProcess(broken));
  EXPECT_TRUE(store_->findProcess(kept));
  EXPECT_EQ(store_->processTasks(kept).size(), 1U);
  EXPECT_TRUE(store_->pendingDeliveries(PartitionSet::all(), 10).empty());
  EXPECT_TRUE(store_->keptEvents("refund", kNow, 10).empty());
  // The deleted process's waits are gone, the kept process's is not: an event for each key
  // resolves only the latter.
  WriteBatch later;
  later.events.now = kNow;
  later.events.sends = {
      EventSend{Event{.name = "shipped", .key = "order-1", .payload = 3}, std::nullopt, kNow, kNow},
      EventSend{Event{.name = "shipped", .key = "order-2", .payload = 4}, std::nullopt, kNow,
                kNow}};
  answers = store_->commit(later);
  EXPECT_EQ(answers.sends.at(0).resolved, 0);
  EXPECT_EQ(answers.sends.at(1).resolved, 1);
  EXPECT_EQ(store_->deleteEnded({gone}).processes, 0);  // gone already: nothing to do
  EXPECT_EQ(store_->endedBefore(kNow, 10, PartitionSet::all()).size(), 1U);
}

}  // namespace
}  // namespace pledge::server
