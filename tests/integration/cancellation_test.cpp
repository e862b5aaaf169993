// Cancellation reaching running C++ code, end to end: a real pledge-server, an ActorRunner in this
// process, a worker method that loops until pledge::cancelled(). After a REST abort and after a
// process deadline, the method returns long before its own limit.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <thread>

#include "pledge/actor_runner.h"
#include "pledge/rest_client.h"
#include "server_process.h"
#include "steps.pledge.h"
#include "steps_impl.h"

namespace pledge::testing {
namespace {

// The spin's own limit: a spin that ends sooner ended because its task was cancelled.
constexpr std::int64_t kSpinLimitMs = 60'000;

void waitUntil(const std::function<bool()>& condition, const std::string& what) {
  for (int i = 0; i < 2000 && !condition(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(condition()) << what << " within 20 s";
}

class Cancellation : public ::testing::Test {
 protected:
  Cancellation() {
    pledge_register_steps(registry_);
    runner_ = std::make_unique<ActorRunner>(
        registry_, client_,
        std::vector<ActorPoolConfig>{{.actor = "SpinOnce#1.0"},
                                     {.actor = "Spinner#1.0", .threads = 2}},
        RunnerOptions{.pollWait = std::chrono::milliseconds(300)});
    runner_->start();
  }
  ~Cancellation() override { runner_->stop(); }

  ServerProcess server_;
  RestClient client_{{server_.url()}};
  ActorRegistry registry_;
  std::unique_ptr<ActorRunner> runner_;
};

TEST_F(Cancellation, anAbortReachesTheRunningMethodThroughPledgeCancelled) {
  const int cancelledBefore = steps::spinsCancelled;
  const int startedBefore = steps::spinsStarted;
  steps::SpinOnceStarter starter(client_);
  const StartedProcess started = starter.run(kSpinLimitMs);
  waitUntil([&] { return steps::spinsStarted > startedBefore; }, "the spin started");
  const auto abortedAt = std::chrono::steady_clock::now();
  EXPECT_EQ(client_.abort(started.processId).state, ProcessState::Aborted);
  waitUntil([&] { return steps::spinsCancelled > cancelledBefore; }, "the spin saw cancelled()");
  EXPECT_LT(std::chrono::steady_clock::now() - abortedAt, std::chrono::seconds(15));
  // Its release was answered "cancelled" and dropped.
  waitUntil([&] { return runner_->stats().rejected == 1; }, "the spin's release was dropped");
  bool cancelledTask = false;
  for (const Json& task : client_.processTasks(started.processId)) {
    cancelledTask = cancelledTask || task.at("state") == "cancelled";
  }
  EXPECT_TRUE(cancelledTask);
}

TEST_F(Cancellation, aDeadlineBreaksTheProcessAndReachesTheRunningMethod) {
  const int cancelledBefore = steps::spinsCancelled;
  steps::SpinOnceStarter starter(client_);
  const StartedProcess started = starter.with({.deadlineMs = 1500}).run(kSpinLimitMs);
  EXPECT_TRUE(client_.process(started.processId).deadline.has_value());
  waitUntil([&] { return steps::spinsCancelled > cancelledBefore; }, "the spin saw cancelled()");
  const ProcessInfo broken = client_.waitResult(started.processId, std::chrono::seconds(10));
  EXPECT_EQ(broken.state, ProcessState::Broken);
  ASSERT_TRUE(broken.error.has_value());
  EXPECT_EQ(broken.error->type(), kTimeoutError);
  EXPECT_EQ(broken.failedTaskId, started.taskId);
  waitUntil([&] { return runner_->stats().rejected == 1; }, "the spin's release was dropped");
  EXPECT_EQ(runner_->stats().released, 1);  // the start task's
}

TEST_F(Cancellation, aStartTaskNoRunnerTakesInTimeFailsWithTimeout) {
  StartRequest request{.actor = "Unserved#1.0", .method = "run"};
  request.options.scheduleToStartMs = 300;
  const StartedProcess started = client_.start(request);
  const ProcessInfo broken = client_.waitResult(started.processId, std::chrono::seconds(10));
  EXPECT_EQ(broken.state, ProcessState::Broken);
  ASSERT_TRUE(broken.error.has_value());
  EXPECT_EQ(broken.error->type(), kTimeoutError);
  EXPECT_NE(broken.error->message().find("no worker of Unserved#1.0 polled"), std::string::npos);
}

}  // namespace
}  // namespace pledge::testing
