// The memory budget on a real pledge-server (docs/operations.md "Memory budget"): with
// --memory-budget-mb 1, many more processes are started than fit; /metrics shows some waiting for
// memory, GET /api/v1/cluster shows the budget, and a real poll/release loop completes every one.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Processes of two tasks each (~3 KB in the estimate): about 300 fit in 1 MiB.
constexpr int kProcesses = 1500;

// The value of a metric line that starts with name (-1 when there is none).
double metricOf(const std::string& text, const std::string& name) {
  const std::size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

class MemoryBudgetServer : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server\n" << server_.log();
  }
  double waitingForMemory() {
    return metricOf(api_.http().get("/metrics").body, "pledge_processes_waiting_for_memory");
  }

  ServerProcess server_{{"--memory-budget-mb", "1"}};
  TestApi api_{server_.port()};
};

TEST_F(MemoryBudgetServer, processesBeyondTheBudgetWaitInTheStoreAndEveryOneCompletes) {
  std::set<Uuid> started;
  for (int i = 0; i < kProcesses; ++i) started.insert(api_.start("Short#1", "start").processId);
  double mostWaiting = waitingForMemory();
  EXPECT_GT(mostWaiting, 0) << "1,500 processes fit in 1 MiB";

  const Json cluster = api_.http().get("/api/v1/cluster").json();
  const Json& memory = cluster["nodes"][0]["memory"];
  EXPECT_EQ(memory["budgetBytes"], 1 << 20);
  EXPECT_GT(memory["estimateBytes"].get<std::int64_t>(), 0);
  EXPECT_LE(memory["processesInMemory"].get<std::int64_t>(), kProcesses / 2);

  // A worker: each start task forwards to a step, each step returns.
  int steps = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(180);
  while (steps < kProcesses && Clock::now() < deadline) {
    std::vector<Decision> decisions;
    for (const PolledTask& task : api_.poll("Short#1", 200, 500)) {
      decideStartOrStep(task, decisions, steps);
    }
    if (!decisions.empty()) {
      ASSERT_EQ(api_.release(decisions).status, 200);
    }
    mostWaiting = std::max(mostWaiting, waitingForMemory());
  }
  ASSERT_EQ(steps, kProcesses) << "not every process ran";
  for (const Uuid& id : started) EXPECT_EQ(api_.process(id).state, ProcessState::Completed);
  EXPECT_GT(mostWaiting, 0);
  EXPECT_EQ(waitingForMemory(), 0);
}

}  // namespace
}  // namespace pledge::testing
