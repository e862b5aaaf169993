// Timeouts beside the lease (docs/operations.md "Timeouts and cancellation"), for each store:
// schedule-to-start fails a task nobody picks up in time, a process deadline breaks the process
// and cancels its live tasks, and a cancelled task's heartbeat and release say so.
#include "timeouts_fixture.h"

namespace pledge::server::workflow::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Stores, Timeouts, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(Timeouts, aTaskNoWorkerPicksUpWithinScheduleToStartFailsWithTimeout) {
  const Uuid id = startWith({.scheduleToStartMs = 300});
  const ProcessInfo broken = awaitEnd(id);
  ASSERT_EQ(broken.state, ProcessState::Broken);
  ASSERT_TRUE(broken.error.has_value());
  EXPECT_EQ(broken.error->type(), kTimeoutError);
  EXPECT_NE(broken.error->message().find("300 ms: no worker of D#1 polled"), std::string::npos)
      << broken.error->message();
  EXPECT_FALSE(broken.error->retryable());
  EXPECT_TRUE(poll("D#1", 0).empty());
}

TEST_P(Timeouts, aTaskPickedUpInTimeIsNotTimedOutByScheduleToStart) {
  const Uuid id = startWith({.scheduleToStartMs = 800});
  std::vector<PolledTask> start = poll("D#1", 5000);
  ASSERT_EQ(start.size(), 1U);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // well past the 800 ms
  EXPECT_EQ(release(Decision{.taskId = start[0].taskId, .attempt = 1, .result = 7}).status,
            ReleaseStatus::Accepted);
  EXPECT_EQ(awaitEnd(id).result, 7);
}

TEST_P(Timeouts, aChildsScheduleToStartFailureReachesAWaiterThatAcceptsIt) {
  const Uuid id = startWith({});
  std::vector<PolledTask> start = poll("D#1", 5000);
  ASSERT_EQ(start.size(), 1U);
  const Uuid work = Uuid::random();
  const Uuid after = Uuid::random();
  const ArgSpec waited = ArgSpec::ofPromise(work, {.acceptFail = AcceptFail::any()});
  EXPECT_EQ(release(Decision{.taskId = start[0].taskId,
                             .attempt = 1,
                             .promise = after,
                             .tasks = {TaskSpec{.taskId = work,
                                                .actor = "Nobody#1",
                                                .method = "go",
                                                .options = {.taskList = "far",
                                                            .scheduleToStartMs = 200}},
                                       TaskSpec{.taskId = after,
                                                .actor = "D#1",
                                                .method = "after",
                                                .args = {waited}}}})
                .status,
            ReleaseStatus::Accepted);
  std::vector<PolledTask> next = poll("D#1", 5000);
  ASSERT_EQ(next.size(), 1U);
  ASSERT_EQ(next[0].args.at(0).kind, ArgValue::Kind::Failed);
  EXPECT_EQ(next[0].args.at(0).failure.type(), kTimeoutError);
  EXPECT_NE(next[0].args.at(0).failure.message().find("Nobody#1 (task list far)"),
            std::string::npos);
  EXPECT_EQ(stateOf(id, work), TaskState::Failed);
}

TEST_P(Timeouts, aDeadlineBreaksTheProcessAndCancelsEveryLiveTaskRunningOnesIncluded) {
  const Uuid id = startWith({.deadlineMs = 1500});
  EXPECT_TRUE(engine_->process(id)->deadline.has_value());
  const Uuid running = Uuid::random();
  const Uuid ready = Uuid::random();
  const Uuid scheduled = Uuid::random();
  const Uuid waiting = Uuid::random();
  decide({TaskSpec{.taskId = running, .actor = "W#1", .method = "run"},
          TaskSpec{.taskId = ready, .actor = "Nobody#1", .method = "ready"},
          TaskSpec{.taskId = scheduled,
                   .actor = "W#1",
                   .method = "later",
                   .options = {.startTime = epochMsNow() + 3'600'000}},
          TaskSpec{.taskId = waiting,
                   .actor = "W#1",
                   .method = "waits",
                   .args = {ArgSpec::ofPromise(running)}}});
  std::vector<PolledTask> work = poll("W#1", 5000);
  ASSERT_EQ(work.size(), 1U);
  ASSERT_EQ(work[0].taskId, running);
  EXPECT_FALSE(engine_->heartbeat(running, 1, {}).has_value());

  const ProcessInfo broken = awaitEnd(id);
  expectDeadlinePassed(broken);
  for (const Uuid& task : {running, ready, scheduled, waiting}) {
    EXPECT_EQ(stateOf(id, task), TaskState::Cancelled);
  }
  std::optional<Error> beat = engine_->heartbeat(running, 1, {});
  ASSERT_TRUE(beat.has_value());
  EXPECT_EQ(beat->code(), ErrorCode::Cancelled);
  EXPECT_NE(beat->message().find("deadline passed"), std::string::npos) << beat->message();
  ReleaseResult late = release(Decision{.taskId = running, .attempt = 1, .result = 1});
  EXPECT_EQ(late.status, ReleaseStatus::Rejected);
  ASSERT_TRUE(late.error.has_value());
  EXPECT_EQ(late.error->code(), ErrorCode::Cancelled);

  Result<ProcessInfo> restarted = operate(/*abort=*/false, id);
  ASSERT_FALSE(restarted.ok());
  EXPECT_EQ(restarted.error().code(), ErrorCode::Conflict);
  EXPECT_NE(restarted.error().message().find("past its deadline"), std::string::npos);
  ASSERT_TRUE(operate(/*abort=*/true, id).ok());
}

TEST_P(Timeouts, anAbortedTasksHeartbeatAndReleaseAreAnsweredCancelled) {
  const Uuid id = startWith({});
  const Uuid running = Uuid::random();
  decide({TaskSpec{.taskId = running, .actor = "W#1", .method = "run"}});
  ASSERT_EQ(poll("W#1", 5000).size(), 1U);
  ASSERT_TRUE(operate(/*abort=*/true, id).ok());
  // In memory a while, then from the store once the ended process left: cancelled either way.
  for (int i = 0; i < 3; ++i) {
    std::optional<Error> beat = engine_->heartbeat(running, 1, {});
    ASSERT_TRUE(beat.has_value());
    EXPECT_EQ(beat->code(), ErrorCode::Cancelled) << beat->message();
    ReleaseResult late = release(Decision{.taskId = running, .attempt = 1, .result = 1});
    ASSERT_TRUE(late.error.has_value());
    EXPECT_EQ(late.error->code(), ErrorCode::Cancelled) << late.error->message();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

TEST_P(Timeouts, theDeadlineOfADormantProcessStillFires) {
  close();
  engineOptions_ = EngineOptions{.dormantAfterMs = 500, .wakeAheadMs = 100};
  open();
  const Uuid id = startWith({.deadlineMs = 3000});
  const Uuid later = Uuid::random();
  decide({TaskSpec{.taskId = later,
                   .actor = "W#1",
                   .method = "later",
                   .options = {.startTime = epochMsNow() + 3'600'000}}});
  for (int i = 0; i < 200 && engine_->dormantProcesses() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(engine_->dormantProcesses(), 1);
  expectDeadlinePassed(awaitNotRunning(id));
  EXPECT_EQ(stateOf(id, later), TaskState::Cancelled);
}

TEST_P(Timeouts, aDeadlineSurvivesAnEngineRestart) {
  const Uuid id = startWith({.deadlineMs = 2000});
  close();
  open();
  EXPECT_TRUE(engine_->process(id)->deadline.has_value());
  expectDeadlinePassed(awaitNotRunning(id));
  EXPECT_TRUE(poll("D#1", 0).empty());
}

}  // namespace
}  // namespace pledge::server::workflow::testing
