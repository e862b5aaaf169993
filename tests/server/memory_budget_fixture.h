// The fixture of the memory budget's engine tests (memory_budget*_test.cpp), for each store: an
// engine with EngineOptions::memoryBudgetBytes on a place of data, playing client and worker of
// the actor "D#1" by hand.
//
//   class MyBudgetTest : public MemoryBudgetFixture {};
//   TEST_P(MyBudgetTest, ...) { open(kOneAtATime); const Uuid id = start().value().processId; }
#pragma once

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "faulty_store.h"
#include "store_fixture.h"

namespace pledge::server {

class MemoryBudgetFixture : public ::testing::TestWithParam<std::string> {
 protected:
  // A budget smaller than any process: one process at a time is in memory.
  static constexpr std::int64_t kOneAtATime = 1;

  // Opens the engine (again, on the same data) with this budget. hooked: over a FaultyStore
  // (store_), whose hooks a test sets before; that store is not one nodes share, so the engine
  // serves every partition from the start.
  void open(std::int64_t budgetBytes, bool hooked = false) {
    engine_.reset();
    store_ = nullptr;
    EngineOptions options{.memoryBudgetBytes = budgetBytes};
    if (!hooked) {
      engine_ = place_.openEngine(options);
      return;
    }
    auto store = std::make_unique<FaultyStore>(place_.open());
    store_ = store.get();
    engine_ = std::make_unique<Engine>(std::move(store), options, nullptr);
  }

  Result<StartedProcess> start(StartOptions options = {}) {
    std::promise<Result<StartedProcess>> started;
    engine_->startProcess(StartRequest{.actor = "D#1", .method = "start", .options = options},
                          [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
    return started.get_future().get();
  }
  // Starts count processes one after another; answers them oldest first with their start times.
  std::vector<std::pair<Uuid, std::int64_t>> startMany(int count) {
    std::vector<std::pair<Uuid, std::int64_t>> started;
    for (int i = 0; i < count; ++i) {
      const Uuid id = start().value().processId;
      started.emplace_back(id, engine_->process(id).value().startedAt);
    }
    return started;
  }
  std::vector<PolledTask> poll(std::int64_t waitMs, int max = 1000) {
    std::promise<std::vector<PolledTask>> polled;
    const PollRequest request{.worker = "t", .queues = {{"D#1", ""}}, .max = max, .waitMs = waitMs};
    engine_->poll(request, [&](std::vector<PolledTask> got) { polled.set_value(std::move(got)); });
    return polled.get_future().get();
  }
  std::vector<ReleaseResult> release(std::vector<Decision> decisions) {
    std::promise<std::vector<ReleaseResult>> released;
    engine_->release(std::move(decisions),
                     [&](std::vector<ReleaseResult> r) { released.set_value(std::move(r)); });
    return released.get_future().get();
  }
  void complete(const PolledTask& task) {
    const std::vector<ReleaseResult> results =
        release({Decision{.taskId = task.taskId, .attempt = task.attempt, .result = 1}});
    ASSERT_EQ(results.at(0).status, ReleaseStatus::Accepted);
  }
  // Waits for the start task of processId and completes it (its process then ends).
  void runStartOf(const Uuid& processId) {
    for (int round = 0; round < 100; ++round) {
      for (const PolledTask& task : poll(1'000)) {
        ASSERT_EQ(task.processId, processId) << "another process ran";
        complete(task);
        return;
      }
    }
    FAIL() << "process " << processId.toString() << " never ran";
  }
  // An operation of the engine (pause, resume, abort, ...) on a process, answered.
  Result<ProcessInfo> operate(void (Engine::*operation)(const Uuid&,
                                                        std::function<void(Result<ProcessInfo>)>),
                              const Uuid& id) {
    std::promise<Result<ProcessInfo>> answered;
    (engine_.get()->*operation)(id, [&](Result<ProcessInfo> info) { answered.set_value(info); });
    return answered.get_future().get();
  }
  // The engine's counts of processes in the store are the store's (every dormant process of
  // these tests waits for memory: none has a timer).
  void expectCountsOfTheStore() {
    Store& store = engine_->store();
    const std::int64_t dormant = store.countDormant(kEveryDormant, PartitionSet::all());
    EXPECT_EQ(engine_->dormantProcesses(), dormant);
    EXPECT_EQ(engine_->processesWaitingForMemory(), dormant);
  }

  StorePlace place_{GetParam()};
  FaultyStore* store_ = nullptr;
  std::unique_ptr<Engine> engine_;
};

}  // namespace pledge::server
