// The memory budget charges a process entering memory what processes grow to (docs/operations.md
// "Memory budget"), for each store: fanout processes, loaded as their start task and grown to
// a join of many branches by their first decision, are admitted by the size the ones before them
// ended at, so that the estimate of the live processes stays within the budget while they grow.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "memory_budget_fixture.h"
#include "test_api.h"

namespace pledge::server {
namespace {

using ::pledge::testing::forwardOf;
using ::pledge::testing::newTask;

// Branches of each fanout process: it grows to this many tasks and two, far past what it takes
// when it loads (and past what a process is expected to take before any ended).
constexpr int kBranches = 20;
constexpr std::int64_t kBudget = 200'000;
constexpr int kProcesses = 40;

class MemoryBudgetGrowth : public MemoryBudgetFixture {
 protected:
  // The decision a fanout worker makes for a polled task: a start task forwards to a join of
  // kBranches branches, a branch returns 1, the join returns what it got.
  static Decision decide(const PolledTask& task) {
    if (task.method != "start") {
      return Decision{.taskId = task.taskId, .attempt = task.attempt, .result = 1};
    }
    std::vector<TaskSpec> tasks;
    std::vector<ArgSpec> joined;
    for (int i = 0; i < kBranches; ++i) {
      tasks.push_back(newTask("D#1", "branch", {ArgSpec::ofValue(i)}));
      joined.push_back(ArgSpec::ofPromise(tasks.back().taskId));
    }
    tasks.push_back(newTask("D#1", "join", joined));
    const Uuid join = tasks.back().taskId;
    return forwardOf(task, join, std::move(tasks));
  }
  // Polls and decides until the processes of ids ended, noting the most processes in memory and
  // the highest estimate after every step.
  void runUntilEnded(const std::set<Uuid>& ids) {
    std::set<Uuid> ended;
    for (int round = 0; round < 100 * kProcesses && ended.size() < ids.size(); ++round) {
      std::vector<Decision> decisions;
      for (const PolledTask& task : poll(1'000)) {
        decisions.push_back(decide(task));
        if (task.method == "join") ended.insert(task.processId);
      }
      note();
      if (decisions.empty()) continue;
      for (const ReleaseResult& result : release(std::move(decisions))) {
        ASSERT_EQ(result.status, ReleaseStatus::Accepted);
      }
      note();
    }
    ASSERT_EQ(ended.size(), ids.size()) << "not every process ran";
  }
  void note() {
    mostInMemory_ = std::max(mostInMemory_, engine_->processesInMemory());
    highestEstimate_ = std::max(highestEstimate_, engine_->liveMemoryBytes());
  }

  std::int64_t mostInMemory_ = 0;
  std::int64_t highestEstimate_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Stores, MemoryBudgetGrowth, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(MemoryBudgetGrowth, processesAreAdmittedByWhatTheOnesBeforeThemGrewTo) {
  open(kBudget);
  // One process runs alone first: what it grows to is what the next ones are expected to.
  const Uuid first = start().value().processId;
  runUntilEnded({first});
  const std::int64_t grown = highestEstimate_;
  ASSERT_GT(grown, MemoryBook::kFirstExpectedBytes) << "the test's processes grow too little";
  const std::int64_t fitting = kBudget / grown;
  ASSERT_GE(fitting, 3) << "the test's budget holds too few of its processes";
  mostInMemory_ = 0;
  highestEstimate_ = 0;

  std::set<Uuid> ids;
  for (const auto& [id, startedAt] : startMany(kProcesses)) ids.insert(id);
  note();
  EXPECT_GT(engine_->processesWaitingForMemory(), 0);
  runUntilEnded(ids);

  EXPECT_LE(mostInMemory_, fitting + 1);
  EXPECT_LE(highestEstimate_, kBudget + grown);
  EXPECT_GE(mostInMemory_, fitting - 1) << "the budget was not used";
  for (const Uuid& id : ids) {
    EXPECT_EQ(engine_->process(id).value().state, ProcessState::Completed);
  }
  EXPECT_EQ(engine_->processesInMemory(), 0);
  expectCountsOfTheStore();
}

}  // namespace
}  // namespace pledge::server
