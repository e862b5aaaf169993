// The memory budget of live processes (EngineOptions::memoryBudgetBytes, docs/operations.md
// "Memory budget"), for each store: processes started over it wait in the store and are loaded,
// oldest first, as room frees; a restart keeps them waiting in order; a repeated start of one
// that waits answers it; the engine's counts of them are the store's.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "memory_budget_fixture.h"

namespace pledge::server {
namespace {

// What one process of these tests takes at least in the estimate (a start task and nothing
// else); the budget holds this many of them.
constexpr std::int64_t kEachAtLeast = kProcessMemoryBytes + kTaskMemoryBytes;
constexpr std::int64_t kFitting = 10;
// Starts go live while the estimate is under the budget: one may cross it.
constexpr std::int64_t kMostInMemory = kFitting + 1;

class MemoryBudget : public MemoryBudgetFixture {
 protected:
  void open() { MemoryBudgetFixture::open(kFitting * kEachAtLeast); }
  // Polls and completes the start tasks of started until every one ran, checking at every step
  // that memory held no more than the budget allows and that no process ran while more older
  // ones than fit in memory beside it had not run yet (they were loaded oldest first).
  void runAll(const std::vector<std::pair<Uuid, std::int64_t>>& started) {
    std::map<Uuid, std::int64_t> startedAt(started.begin(), started.end());
    std::set<Uuid> ran;
    std::int64_t mostInMemory = 0;
    // (Bounded in time too, so that processes left in the store fail the test, not hang it.)
    const auto giveUpAt = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    for (int round = 0; round < 10 * static_cast<int>(started.size()) &&
                        ran.size() < started.size() && std::chrono::steady_clock::now() < giveUpAt;
         ++round) {
      mostInMemory = std::max(mostInMemory, engine_->processesInMemory());
      for (const PolledTask& task : poll(5'000)) {
        const std::int64_t at = startedAt.at(task.processId);
        std::int64_t olderNotRun = 0;
        for (const auto& [id, when] : started) olderNotRun += when < at && !ran.contains(id);
        EXPECT_LE(olderNotRun, kMostInMemory) << "a process ran before older ones were loaded";
        ran.insert(task.processId);
        complete(task);
      }
    }
    EXPECT_EQ(ran.size(), started.size());
    EXPECT_LE(mostInMemory, kMostInMemory);
    for (const auto& [id, when] : started) {
      EXPECT_EQ(engine_->process(id).value().state, ProcessState::Completed);
    }
    EXPECT_EQ(engine_->processesWaitingForMemory(), 0);
    expectCountsOfTheStore();
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, MemoryBudget, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(MemoryBudget, processesStartedOverTheBudgetWaitInTheStoreAndRunOldestFirst) {
  open();
  const auto started = startMany(200);
  // Every start was answered (durable); those over the budget left memory.
  EXPECT_LE(engine_->processesInMemory(), kMostInMemory);
  EXPECT_GE(engine_->processesWaitingForMemory(), 200 - kMostInMemory);
  EXPECT_LE(engine_->liveMemoryBytes(), (kFitting + 1) * 2 * kEachAtLeast);
  runAll(started);
}

TEST_P(MemoryBudget, aRestartWhileProcessesWaitLoadsThemBackInOrder) {
  open();
  const auto started = startMany(60);
  EXPECT_GE(engine_->processesWaitingForMemory(), 60 - kMostInMemory);
  open();
  EXPECT_GE(engine_->processesWaitingForMemory(), 60 - kMostInMemory);
  EXPECT_LE(engine_->processesInMemory(), kMostInMemory);
  runAll(started);
}

TEST_P(MemoryBudget, aRepeatedStartOfAProcessWaitingInTheStoreAnswersIt) {
  open();
  startMany(2 * kFitting);
  ASSERT_GT(engine_->processesWaitingForMemory(), 0);
  const StartedProcess first = start({.customId = "order-7"}).value();
  const StartedProcess again = start({.customId = "order-7"}).value();
  EXPECT_FALSE(first.existing);
  EXPECT_TRUE(again.existing);
  EXPECT_EQ(again.processId, first.processId);
  const StartedProcess byRequest = start({.requestId = "req-1"}).value();
  EXPECT_EQ(start({.requestId = "req-1"}).value().processId, byRequest.processId);
}

TEST_P(MemoryBudget, aProcessWaitingInTheStoreCanBeAbortedAndTheOthersStillRun) {
  open();
  auto started = startMany(3 * kFitting);
  const Uuid last = started.back().first;
  std::promise<Result<ProcessInfo>> aborted;
  engine_->abort(last, [&](Result<ProcessInfo> info) { aborted.set_value(std::move(info)); });
  EXPECT_EQ(aborted.get_future().get().value().state, ProcessState::Aborted);
  started.pop_back();
  runAll(started);
  EXPECT_EQ(engine_->process(last).value().state, ProcessState::Aborted);
}

}  // namespace
}  // namespace pledge::server
