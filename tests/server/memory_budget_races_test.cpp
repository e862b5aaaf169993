// Processes waiting for memory in the store under the memory budget (docs/operations.md "Memory
// budget"), for each store, when other things happen to them: a read of the store to load one
// that another path loaded, ran and let go meanwhile does not load it again (it would run twice,
// and the count of processes in the store would go below what it holds: the wake scans then
// stopped looking, and the waiting ones waited for ever); a process changed while the batch that
// writes it dormant commits is written again and leaves memory then (it stayed in memory while
// the store held it dormant, uncounted); a result wait and a pause on one that waits behave as
// on any process. The store's hooks (FaultyStore) hold a read or a commit while the test runs the
// rest, so each order is the one the test names.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "memory_budget_fixture.h"

namespace pledge::server {
namespace {

class MemoryBudgetRaces : public MemoryBudgetFixture {
 protected:
  // The first read of the store that loads processes (outside the engine's lock) and finds
  // target waits, after it read, until go is set; read says it got there.
  void holdTheNextLoadOf(const Uuid& target) {
    store_->afterLoadProcesses = [this, target](const LiveState& live) {
      for (const ProcessRow& row : live.processes) {
        if (row.info.processId == target && !held_.exchange(true)) {
          read_.set_value();
          go_.get_future().wait();
        }
      }
    };
  }

  // The first commit that writes a process dormant waits, before it writes, until go is set;
  // written says which process.
  void holdTheFirstDormantWrite() {
    store_->beforeCommit = [this](const WriteBatch& rows) {
      for (const ProcessRow& row : rows.processes) {
        if (row.wakeAt && !held_.exchange(true)) {
          written_.set_value(row.info.processId);
          go_.get_future().wait();
        }
      }
    };
  }

  std::atomic<bool> held_{false};
  std::promise<void> read_;
  std::promise<Uuid> written_;
  std::promise<void> go_;
};

INSTANTIATE_TEST_SUITE_P(Stores, MemoryBudgetRaces, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(MemoryBudgetRaces, anOperationThatReadAWaitingProcessWhileItRanAndEndedDoesNotLoadIt) {
  open(kOneAtATime, /*hooked=*/true);
  const Uuid first = start().value().processId;
  const Uuid waiting = start().value().processId;
  ASSERT_EQ(engine_->processesWaitingForMemory(), 1);
  holdTheNextLoadOf(waiting);

  // A pause reads the waiting process from the store, and is held there.
  auto paused = std::async(std::launch::async, [&] { return operate(&Engine::pause, waiting); });
  read_.get_future().wait();
  // Meanwhile the first one ends, the waiting one is loaded in its place, runs and ends.
  runStartOf(first);
  runStartOf(waiting);
  EXPECT_EQ(engine_->process(waiting).value().state, ProcessState::Completed);
  go_.set_value();

  const Result<ProcessInfo> answer = paused.get();
  EXPECT_EQ(engine_->dormantProcesses(), 0);
  EXPECT_EQ(engine_->processesInMemory(), 0);
  expectCountsOfTheStore();
  ASSERT_FALSE(answer.ok()) << "it paused a copy of the process loaded from the read";
  EXPECT_EQ(answer.error().code(), ErrorCode::Conflict) << answer.error().what();
  EXPECT_EQ(engine_->process(waiting).value().state, ProcessState::Completed);
  EXPECT_TRUE(poll(0).empty()) << "the process ran again";
}

TEST_P(MemoryBudgetRaces, aWakeScanThatReadAProcessWhileAnOperationLoadedAndEndedItSkipsIt) {
  open(kOneAtATime, /*hooked=*/true);
  const Uuid first = start().value().processId;
  const Uuid aborted = start().value().processId;
  const Uuid last = start().value().processId;
  ASSERT_EQ(engine_->processesWaitingForMemory(), 2);
  holdTheNextLoadOf(aborted);

  // The first one ends: the wake scan that follows reads the oldest waiting one, and is held.
  runStartOf(first);
  read_.get_future().wait();
  // Meanwhile an abort loads that one and ends it.
  const Result<ProcessInfo> answer = operate(&Engine::abort, aborted);
  ASSERT_TRUE(answer.ok()) << answer.error().what();
  EXPECT_EQ(answer.value().state, ProcessState::Aborted);
  go_.set_value();

  // Only the last one runs (a scan loads it once the held one skipped what it read).
  runStartOf(last);
  EXPECT_EQ(engine_->process(aborted).value().state, ProcessState::Aborted);
  EXPECT_EQ(engine_->process(last).value().state, ProcessState::Completed);
  EXPECT_TRUE(poll(0).empty()) << "the aborted process ran";
  EXPECT_EQ(engine_->processesInMemory(), 0);
  EXPECT_EQ(engine_->dormantProcesses(), 0);
  expectCountsOfTheStore();
}

TEST_P(MemoryBudgetRaces, aProcessChangedWhileItWasWrittenDormantLeavesMemoryOnceWrittenAgain) {
  open(/*budgetBytes=*/0, /*hooked=*/true);
  holdTheFirstDormantWrite();
  // A process that starts in a year is written dormant by the batch of its start, held.
  auto started = std::async(std::launch::async, [&] {
    const auto inAYear = std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
    const std::int64_t at =
        std::chrono::duration_cast<std::chrono::milliseconds>(inAYear.time_since_epoch()).count();
    return start({.startTime = at}).value();
  });
  const Uuid id = written_.get_future().get();
  // Meanwhile it is paused: it stays in memory after that batch, which wrote it dormant.
  std::promise<Result<ProcessInfo>> paused;
  engine_->pause(id, [&](Result<ProcessInfo> info) { paused.set_value(info); });
  go_.set_value();
  EXPECT_EQ(started.get().processId, id);
  ASSERT_TRUE(paused.get_future().get().ok());

  // The batch of the pause wrote it dormant again, and it left memory, counted.
  EXPECT_EQ(engine_->processesInMemory(), 0);
  EXPECT_EQ(engine_->dormantProcesses(), 1);
  EXPECT_EQ(engine_->processesWaitingForMemory(), 0);
  EXPECT_EQ(engine_->store().countDormant(kEveryDormant, PartitionSet::all()), 1);
  EXPECT_TRUE(engine_->process(id).value().paused);
}

TEST_P(MemoryBudgetRaces, aResultWaitOnAProcessWaitingForMemoryIsAnsweredOnceItRuns) {
  open(kOneAtATime);
  const Uuid first = start().value().processId;
  const Uuid waiting = start().value().processId;
  ASSERT_EQ(engine_->processesWaitingForMemory(), 1);
  // A client waits for its result, asking again while it is running (docs/rest.md).
  auto result = std::async(std::launch::async, [&] {
    for (int asked = 0; asked < 1'000; ++asked) {
      std::promise<Result<ProcessInfo>> answered;
      engine_->awaitProcess(waiting, 30'000,
                            [&](Result<ProcessInfo> info) { answered.set_value(info); });
      Result<ProcessInfo> info = answered.get_future().get();
      if (!info.ok() || info.value().state != ProcessState::Running) return info;
    }
    return Result<ProcessInfo>(Error(ErrorCode::Internal, "never answered ended"));
  });
  runStartOf(first);
  runStartOf(waiting);
  const Result<ProcessInfo> info = result.get();
  ASSERT_TRUE(info.ok()) << info.error().what();
  EXPECT_EQ(info.value().state, ProcessState::Completed);
  EXPECT_EQ(info.value().result, Json(1));
  expectCountsOfTheStore();
}

TEST_P(MemoryBudgetRaces, aProcessWaitingForMemoryStaysPausedAndRunsOnceResumed) {
  open(kOneAtATime);
  const Uuid first = start().value().processId;
  const Uuid waiting = start().value().processId;
  ASSERT_EQ(engine_->processesWaitingForMemory(), 1);

  const Result<ProcessInfo> paused = operate(&Engine::pause, waiting);
  ASSERT_TRUE(paused.ok()) << paused.error().what();
  EXPECT_TRUE(paused.value().paused);
  EXPECT_EQ(engine_->processesWaitingForMemory(), 0) << "loaded to be paused";
  // Room frees: the paused one is in memory, and hands nothing out.
  runStartOf(first);
  EXPECT_TRUE(poll(0).empty()) << "a paused process ran";
  EXPECT_TRUE(engine_->process(waiting).value().paused);
  EXPECT_EQ(engine_->process(waiting).value().state, ProcessState::Running);

  const Result<ProcessInfo> resumed = operate(&Engine::resume, waiting);
  ASSERT_TRUE(resumed.ok()) << resumed.error().what();
  EXPECT_FALSE(resumed.value().paused);
  runStartOf(waiting);
  EXPECT_EQ(engine_->process(waiting).value().state, ProcessState::Completed);
  EXPECT_EQ(engine_->processesInMemory(), 0);
  expectCountsOfTheStore();
}

}  // namespace
}  // namespace pledge::server
