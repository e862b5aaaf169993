// ReadyQueues on a real ProcessGraph: tasks come out oldest first, a task that moves on or leaves
// memory leaves its queue at once (the queues link the tasks themselves), and one queued late
// goes back to its place in ready order.
#include "pledge/server/engine/ready_queues.h"

#include <gtest/gtest.h>

#include "pledge/server/engine/partition_ownership.h"

namespace pledge::server {
namespace {

class ReadyQueuesTest : public ::testing::Test {
 protected:
  ReadyQueuesTest() { ownership_.setAll(true); }

  // A new process whose start task is Ready and queued.
  Task& startQueued() {
    StartRequest request{.actor = "D#1", .method = "start", .args = Json::array({1})};
    Process& process = graph_.startProcess(request, Uuid::random(), Uuid::random(), now_, effects_);
    Task& task = *process.startTask;
    EXPECT_EQ(task.state, TaskState::Ready);
    queues_.push(task);
    return task;
  }
  ReadyQueues::Queue& queue() { return queues_.find("D#1", ""); }

  ProcessGraph graph_{8};
  PartitionOwnership ownership_{8};
  ReadyQueues queues_{graph_, ownership_};
  Effects effects_;
  std::int64_t now_ = 1'000'000;
};

TEST_F(ReadyQueuesTest, handsOutOldestFirstAndSkipsTasksThatMovedOn) {
  Task& first = startQueued();
  Task& second = startQueued();
  Task& third = startQueued();
  graph_.lease(second, now_, effects_);  // taken by another path meanwhile
  EXPECT_EQ(queues_.popReady(queue()), &first);
  EXPECT_EQ(queues_.popReady(queue()), &third);
  EXPECT_EQ(queues_.popReady(queue()), nullptr);
}

TEST_F(ReadyQueuesTest, tasksThatMoveOnLeaveTheQueueAtOnce) {
  // Handed out by another path (or cancelled): nothing of them stays in the queue, whether or
  // not anything reads its statistics.
  std::vector<Task*> tasks;
  for (int i = 0; i < 5'000; ++i) tasks.push_back(&startQueued());
  for (Task* task : tasks) graph_.lease(*task, now_, effects_);
  for (const auto& [priority, list] : queue().byPriority) EXPECT_FALSE(list.linked());
  EXPECT_EQ(queues_.popReady(queue()), nullptr);
  EXPECT_TRUE(queue().byPriority.empty());
}

TEST_F(ReadyQueuesTest, theOldestReadyTaskIsTheHeadOfItsList) {
  for (int i = 0; i < 20'000; ++i) {
    Task& task = startQueued();
    Task* taken = queues_.popReady(queue());
    ASSERT_EQ(taken, &task);
    graph_.lease(*taken, now_, effects_);
  }
  startQueued();
  now_ += 250;
  startQueued();
  std::vector<QueueStats> stats = queues_.stats(now_);
  ASSERT_EQ(stats.size(), 1U);
  EXPECT_EQ(stats[0].oldestReadyMs, 250);
  EXPECT_EQ(stats[0].ready, 2);
}

TEST_F(ReadyQueuesTest, aTaskThatLeavesMemoryLeavesItsQueue) {
  // A dormant process, or one whose partition another node took over, is evicted with its
  // tasks queued: the queue must not hand out (or touch) the freed task.
  Task& first = startQueued();
  Task& second = startQueued();
  graph_.evict(*first.process);
  EXPECT_EQ(queues_.popReady(queue()), &second);
  EXPECT_EQ(queues_.popReady(queue()), nullptr);
}

TEST_F(ReadyQueuesTest, manyTasksHeldBackGoBackInOrderBeforeALongQueue) {
  // 2,000 tasks held back, then 20,000 queued behind them; the held ones queued again newest
  // first (as the engine does) come out first, oldest first, and the rest after, in order.
  std::vector<Task*> held;
  for (int i = 0; i < 2'000; ++i) {
    Task& task = startQueued();
    ASSERT_EQ(queues_.popReady(queue()), &task);  // out of the queue and still Ready, as held
    held.push_back(&task);
  }
  std::vector<Task*> later;
  for (int i = 0; i < 20'000; ++i) later.push_back(&startQueued());
  for (auto task = held.rbegin(); task != held.rend(); ++task) queues_.push(**task);
  for (Task* task : held) ASSERT_EQ(queues_.popReady(queue()), task);
  for (Task* task : later) ASSERT_EQ(queues_.popReady(queue()), task);
}

TEST_F(ReadyQueuesTest, aTaskQueuedLateGoesBackToItsPlaceInReadyOrder) {
  // As tasks held back while their process was paused are queued again on resume.
  Task& first = startQueued();
  Task& second = startQueued();
  Task& third = startQueued();
  EXPECT_EQ(queues_.popReady(queue()), &first);
  queues_.push(first);
  queues_.push(first);  // queued already: stays where it is
  EXPECT_EQ(queues_.popReady(queue()), &first);
  EXPECT_EQ(queues_.popReady(queue()), &second);
  queues_.push(second);
  EXPECT_EQ(queues_.popReady(queue()), &second);
  EXPECT_EQ(queues_.popReady(queue()), &third);
  EXPECT_EQ(queues_.popReady(queue()), nullptr);
}

}  // namespace
}  // namespace pledge::server
