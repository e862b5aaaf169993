// The fixture of the timeout tests (docs/operations.md "Timeouts and cancellation"), for each
// store: a workflow fixture that plays the start task's decider and a worker by hand.
#pragma once

#include "workflow_fixture.h"

namespace pledge::server::workflow::testing {

inline std::int64_t epochMsNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Timeouts : public WorkflowFixture {
 protected:
  std::vector<PolledTask> poll(const std::string& actor, std::int64_t waitMs) {
    std::promise<std::vector<PolledTask>> polled;
    engine_->poll(PollRequest{.worker = "t", .queues = {{actor, ""}}, .max = 10, .waitMs = waitMs},
                  [&](std::vector<PolledTask> got) { polled.set_value(std::move(got)); });
    return polled.get_future().get();
  }
  ReleaseResult release(const Decision& decision) {
    std::promise<std::vector<ReleaseResult>> released;
    engine_->release({decision},
                     [&](std::vector<ReleaseResult> r) { released.set_value(std::move(r)); });
    return released.get_future().get().at(0);
  }
  Uuid startWith(StartOptions options) {
    std::promise<Result<StartedProcess>> started;
    engine_->startProcess(StartRequest{.actor = "D#1", .method = "start", .options = options},
                          [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
    return started.get_future().get().value().processId;
  }
  Result<ProcessInfo> operate(bool abort, const Uuid& id) {
    std::promise<Result<ProcessInfo>> done;
    auto answer = [&](Result<ProcessInfo> info) { done.set_value(std::move(info)); };
    if (abort) {
      engine_->abort(id, answer);
    } else {
      engine_->restart(id, answer);
    }
    return done.get_future().get();
  }
  // Waits (without watching it, which would keep it in memory) until the process left Running.
  ProcessInfo awaitNotRunning(const Uuid& id) {
    for (int i = 0; i < 1000; ++i) {
      std::optional<ProcessInfo> info = engine_->process(id);
      if (info && info->state != ProcessState::Running) return *info;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "process " << id.toString() << " still runs after 20 s";
    return engine_->process(id).value();
  }
  // Plays the start task's decider: releases it with tasks, forwarding to the last.
  void decide(std::vector<TaskSpec> tasks) {
    std::vector<PolledTask> start = poll("D#1", 5000);
    ASSERT_EQ(start.size(), 1U);
    const Uuid last = tasks.back().taskId;
    ASSERT_EQ(release(Decision{.taskId = start[0].taskId,
                               .attempt = 1,
                               .promise = last,
                               .tasks = std::move(tasks)})
                  .status,
              ReleaseStatus::Accepted);
  }
  static void expectDeadlinePassed(const ProcessInfo& info) {
    EXPECT_EQ(info.state, ProcessState::Broken);
    ASSERT_TRUE(info.error.has_value());
    EXPECT_EQ(info.error->type(), kTimeoutError);
    EXPECT_NE(info.error->message().find("deadline passed"), std::string::npos);
    EXPECT_EQ(info.failedTaskId, info.taskId);
  }
  std::optional<TaskState> stateOf(const Uuid& processId, const Uuid& taskId) {
    const std::vector<TaskSnapshot> tasks = engine_->processTasks(processId).value();
    for (const TaskSnapshot& task : tasks) {
      if (task.spec.taskId == taskId) return task.row.state;
    }
    return std::nullopt;
  }
};

}  // namespace pledge::server::workflow::testing
