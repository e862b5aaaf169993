// Pausing a process (docs/operations.md), for each store: no task of a paused process is handed
// out, running ones finish, the pause survives a restart, resuming hands the held tasks out.
#include "workflow_fixture.h"

namespace pledge::server::workflow::testing {
namespace {

class Pausing : public WorkflowFixture {
 protected:
  Result<ProcessInfo> operate(bool pause, const Uuid& id) {
    std::promise<Result<ProcessInfo>> done;
    auto answer = [&](Result<ProcessInfo> info) { done.set_value(std::move(info)); };
    if (pause) {
      engine_->pause(id, answer);
    } else {
      engine_->resume(id, answer);
    }
    return done.get_future().get();
  }
  std::vector<PolledTask> poll(const std::string& actor, std::int64_t waitMs) {
    std::promise<std::vector<PolledTask>> polled;
    engine_->poll(PollRequest{.worker = "t", .queues = {{actor, ""}}, .max = 10, .waitMs = waitMs},
                  [&](std::vector<PolledTask> got) { polled.set_value(std::move(got)); });
    return polled.get_future().get();
  }
  ReleaseStatus release(const Decision& decision) {
    std::promise<std::vector<ReleaseResult>> released;
    engine_->release({decision},
                     [&](std::vector<ReleaseResult> r) { released.set_value(std::move(r)); });
    return released.get_future().get().at(0).status;
  }
  Uuid startPlain() {
    std::promise<Result<StartedProcess>> started;
    engine_->startProcess(StartRequest{.actor = "D#1", .method = "start"},
                          [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
    return started.get_future().get().value().processId;
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, Pausing, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(Pausing, aPausedProcessGetsNoTaskHandedOutEvenAfterARestartUntilResumed) {
  const Uuid id = startPlain();
  Result<ProcessInfo> paused = operate(true, id);
  ASSERT_TRUE(paused.ok()) << paused.error().message();
  EXPECT_TRUE(paused.value().paused);
  EXPECT_TRUE(operate(true, id).ok());  // idempotent
  EXPECT_TRUE(poll("D#1", 300).empty());
  ProcessPage listed = engine_->listProcesses(ProcessQuery{.paused = true});
  ASSERT_EQ(listed.items.size(), 1U);
  EXPECT_EQ(listed.items[0].processId, id);
  EXPECT_TRUE(engine_->listProcesses(ProcessQuery{.paused = false}).items.empty());

  close();
  open();
  EXPECT_TRUE(engine_->process(id)->paused);
  EXPECT_TRUE(poll("D#1", 300).empty());

  Result<ProcessInfo> resumed = operate(false, id);
  ASSERT_TRUE(resumed.ok());
  EXPECT_FALSE(resumed.value().paused);
  std::vector<PolledTask> tasks = poll("D#1", 5000);
  ASSERT_EQ(tasks.size(), 1U);
  EXPECT_EQ(release(Decision{.taskId = tasks[0].taskId, .attempt = 1, .result = 7}),
            ReleaseStatus::Accepted);
  EXPECT_EQ(awaitEnd(id).result, 7);
  Result<ProcessInfo> ended = operate(true, id);
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.error().code(), ErrorCode::Conflict);
}

TEST_P(Pausing, aRunningTaskFinishesButWhatItStartsWaitsForTheResume) {
  const Uuid id = startPlain();
  std::vector<PolledTask> start = poll("D#1", 5000);
  ASSERT_EQ(start.size(), 1U);
  ASSERT_TRUE(operate(true, id).ok());
  const Uuid work = Uuid::random();
  EXPECT_EQ(release(Decision{.taskId = start[0].taskId,
                             .attempt = 1,
                             .promise = work,
                             .tasks = {TaskSpec{.taskId = work, .actor = "W#1", .method = "go"}}}),
            ReleaseStatus::Accepted);
  EXPECT_TRUE(poll("W#1", 300).empty());
  ASSERT_TRUE(operate(false, id).ok());
  std::vector<PolledTask> held = poll("W#1", 5000);
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0].taskId, work);
  EXPECT_EQ(release(Decision{.taskId = work, .attempt = 1, .result = "done"}),
            ReleaseStatus::Accepted);
  EXPECT_EQ(awaitEnd(id).result, "done");
}

}  // namespace
}  // namespace pledge::server::workflow::testing
