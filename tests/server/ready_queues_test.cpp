// ReadyQueues on a real ProcessGraph: tasks come out by priority then age, entries of tasks that
// moved on are skipped, and what a queue remembers of ready order stays bounded by the tasks it
// holds, whether or not anything reads the queue's statistics.
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

TEST_F(ReadyQueuesTest, readyOrderStaysBoundedWhenNothingReadsTheStatistics) {
  // 20,000 tasks queued and handed out one by one, as a busy queue with no scrape of /metrics or
  // /queues sees them: the ready-order list must not keep an entry for each of them.
  for (int i = 0; i < 20'000; ++i) {
    Task& task = startQueued();
    Task* taken = queues_.popReady(queue());
    ASSERT_EQ(taken, &task);
    graph_.lease(*taken, now_, effects_);
  }
  EXPECT_LE(queue().fifo.size(), 2'048U);
  // Still right about the oldest ready task afterwards.
  startQueued();
  now_ += 250;
  std::vector<QueueStats> stats = queues_.stats(now_);
  ASSERT_EQ(stats.size(), 1U);
  EXPECT_EQ(stats[0].oldestReadyMs, 250);
}

TEST_F(ReadyQueuesTest, readyOrderKeepsEveryTaskStillWaiting) {
  // Nobody polls: every entry is of a task still ready, and none may be dropped.
  for (int i = 0; i < 5'000; ++i) startQueued();
  EXPECT_EQ(queue().fifo.size(), 5'000U);
}

}  // namespace
}  // namespace pledge::server
