// TaskTimers: tasks come out in deadline order, each at its latest deadline, once; a task that
// is cancelled or freed leaves the heap; a heap freed before its tasks lets them go.
#include "pledge/server/engine/task_timers.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>
#include <vector>

#include "pledge/server/engine/process_graph.h"

namespace pledge::server {
namespace {

std::vector<std::unique_ptr<Task>> makeTasks(int n) {
  std::vector<std::unique_ptr<Task>> tasks;
  for (int i = 0; i < n; ++i) {
    tasks.push_back(std::make_unique<Task>());
    tasks.back()->seq = i;
  }
  return tasks;
}

TEST(TaskTimers, tasksComeOutInDeadlineOrderOnceEachAtTheirLatestDeadline) {
  TaskTimers timers;
  auto tasks = makeTasks(5'000);
  std::mt19937 random(11);
  std::vector<std::int64_t> latest(tasks.size(), -1);
  for (int round = 0; round < 3; ++round) {  // later rounds move about half of them
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      if (round > 0 && random() % 2 == 0) continue;
      latest[i] = 1'000 + random() % 100'000;
      timers.schedule(*tasks[i], latest[i]);
    }
  }
  std::set<int> cancelled;
  for (std::size_t i = 0; i < tasks.size(); i += 7) {
    tasks[i]->timer.cancel();
    cancelled.insert(tasks[i]->seq);
  }
  EXPECT_EQ(timers.size(), tasks.size() - cancelled.size());
  EXPECT_EQ(timers.popDue(999), nullptr);  // nothing is due before the earliest deadline
  std::int64_t last = 0;
  std::set<int> seen;
  for (std::int64_t now = 0; now <= 101'000; now += 500) {
    while (Task* task = timers.popDue(now)) {
      const std::int64_t deadline = latest[task->seq];
      EXPECT_LE(deadline, now);
      EXPECT_GE(deadline, last);
      last = deadline;
      EXPECT_FALSE(task->timer.scheduled());
      EXPECT_TRUE(seen.insert(task->seq).second) << "task " << task->seq << " came out twice";
      EXPECT_FALSE(cancelled.contains(task->seq));
    }
  }
  EXPECT_EQ(seen.size() + cancelled.size(), tasks.size());
  EXPECT_EQ(timers.size(), 0u);
  EXPECT_EQ(timers.next(), std::nullopt);
}

TEST(TaskTimers, aTaskFreedWhileItWaitsLeavesTheHeap) {
  TaskTimers timers;
  auto tasks = makeTasks(100);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    timers.schedule(*tasks[i], static_cast<std::int64_t>(i));
  }
  for (std::size_t i = 0; i < tasks.size(); i += 2) tasks[i].reset();
  EXPECT_EQ(timers.size(), 50u);
  EXPECT_EQ(timers.next(), 1);
  int popped = 0;
  while (Task* task = timers.popDue(1'000)) {
    EXPECT_EQ(task->seq % 2, 1);
    ++popped;
  }
  EXPECT_EQ(popped, 50);
}

TEST(TaskTimers, aHeapFreedBeforeItsTasksLetsThemGo) {
  auto tasks = makeTasks(10);
  {
    TaskTimers timers;
    for (auto& task : tasks) timers.schedule(*task, 5);
  }
  for (auto& task : tasks) EXPECT_FALSE(task->timer.scheduled());
  tasks.clear();  // (ASan: nothing touches the freed heap)
}

}  // namespace
}  // namespace pledge::server
