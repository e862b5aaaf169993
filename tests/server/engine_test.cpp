// The engine in-process on a real SQLite store: group commit, parked polls, and rebuilding the
// graph from the store after a restart.
#include "pledge/server/engine/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <thread>

#include "pledge/server/store/sqlite_store.h"

namespace pledge::server {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    char pattern[] = "/tmp/pledge-engine-XXXXXX";
    dir_ = mkdtemp(pattern);
    open();
  }
  ~EngineTest() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  void open(EngineOptions options = {}) {
    engine_.reset();
    engine_ = std::make_unique<Engine>(std::make_unique<SqliteStore>(dir_, 8), options, &metrics_);
  }

  StartedProcess start(const std::string& actor = "D#1") {
    std::promise<Result<StartedProcess>> done;
    engine_->startProcess(
        StartRequest{.actor = actor, .method = "start"},
        [&](Result<StartedProcess> started) { done.set_value(std::move(started)); });
    Result<StartedProcess> started = done.get_future().get();
    EXPECT_TRUE(started.ok());
    return started.value();
  }

  std::vector<PolledTask> poll(const std::string& actor, std::int64_t waitMs = 0, int max = 10) {
    std::promise<std::vector<PolledTask>> done;
    engine_->poll(PollRequest{.worker = "t", .queues = {{actor, ""}}, .max = max, .waitMs = waitMs},
                  [&](std::vector<PolledTask> tasks) { done.set_value(std::move(tasks)); });
    return done.get_future().get();
  }

  ReleaseStatus release(Decision decision) {
    std::promise<std::vector<ReleaseResult>> done;
    engine_->release({decision}, [&](std::vector<ReleaseResult> results) {
      done.set_value(std::move(results));
    });
    return done.get_future().get().at(0).status;
  }

  std::string dir_;
  Metrics metrics_;
  std::unique_ptr<Engine> engine_;
};

TaskSpec worker(const char* method, std::vector<ArgSpec> args = {}) {
  return TaskSpec{.taskId = Uuid::random(),
                  .actor = "W#1",
                  .method = method,
                  .type = TaskType::Worker,
                  .args = std::move(args)};
}

TEST_F(EngineTest, rebuildsWaitingTasksAndForwardsFromTheStore) {
  open(EngineOptions{.leaseWriteDelayMs = 0});  // every lease is written with its poll
  StartedProcess started = start();
  PolledTask startTask = poll("D#1").at(0);
  TaskSpec a = worker("a");
  TaskSpec b = worker("b");
  TaskSpec join = worker("join", {ArgSpec::ofPromise(a.taskId), ArgSpec::ofPromise(b.taskId)});
  ASSERT_EQ(release(Decision{.taskId = startTask.taskId, .attempt = 1, .promise = join.taskId,
                             .tasks = {a, b, join}}),
            ReleaseStatus::Accepted);
  std::vector<PolledTask> workers = poll("W#1");
  ASSERT_EQ(workers.size(), 2u);
  const PolledTask& first = workers[0].method == "a" ? workers[0] : workers[1];
  ASSERT_EQ(release(Decision{.taskId = first.taskId, .attempt = 1, .result = "A"}),
            ReleaseStatus::Accepted);

  open(EngineOptions{.leaseWriteDelayMs = 0});  // a new engine on the same store
  std::vector<PolledTask> afterRestart = poll("W#1", 300);
  EXPECT_TRUE(afterRestart.empty()) << "b is leased until its lease expires";
  auto tasks = engine_->processTasks(started.processId);
  ASSERT_TRUE(tasks);
  EXPECT_EQ(tasks->size(), 4u);
  const PolledTask& second = workers[0].method == "a" ? workers[1] : workers[0];
  // b's lease survived the restart, so its first attempt can still be released.
  ASSERT_EQ(release(Decision{.taskId = second.taskId, .attempt = 1, .result = "B"}),
            ReleaseStatus::Accepted);
  PolledTask joined = poll("W#1", 5000).at(0);
  EXPECT_EQ(joined.method, "join");
  EXPECT_EQ(joined.args, (std::vector<ArgValue>{ArgValue::ofValue("A"), ArgValue::ofValue("B")}));
  ASSERT_EQ(release(Decision{.taskId = joined.taskId, .attempt = 1, .result = "AB"}),
            ReleaseStatus::Accepted);
  std::optional<ProcessInfo> done = engine_->process(started.processId);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, ProcessState::Completed);
  EXPECT_EQ(done->result, "AB");
}

TEST_F(EngineTest, aLeaseNotYetWrittenIsHandedOutAgainAtOnceAfterARestart) {
  open(EngineOptions{.leaseWriteDelayMs = 60'000});
  start();
  PolledTask first = poll("D#1").at(0);
  open(EngineOptions{.leaseWriteDelayMs = 60'000});
  std::vector<PolledTask> again = poll("D#1", 5000);
  ASSERT_EQ(again.size(), 1u) << "the lease was never written: the task is Ready again";
  EXPECT_EQ(again[0].taskId, first.taskId);
  EXPECT_EQ(again[0].attempt, first.attempt) << "under the attempt number its first holder has";
}

TEST_F(EngineTest, aLeaseHeldLongerThanTheWriteDelaySurvivesARestart) {
  open(EngineOptions{.leaseWriteDelayMs = 20});
  start();
  PolledTask first = poll("D#1").at(0);
  // The timer writes due leases in one go, up to 100 ms after they are due.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  open(EngineOptions{.leaseWriteDelayMs = 20});
  EXPECT_TRUE(poll("D#1", 300).empty()) << "the written lease holds until it expires";
  EXPECT_EQ(release(Decision{.taskId = first.taskId, .attempt = first.attempt, .result = 1}),
            ReleaseStatus::Accepted);
}

TEST_F(EngineTest, brokenProcessCanBeRestartedAfterARestart) {
  StartedProcess started = start();
  PolledTask startTask = poll("D#1").at(0);
  TaskSpec w = worker("w");
  ASSERT_EQ(release(Decision{
                .taskId = startTask.taskId, .attempt = 1, .promise = w.taskId, .tasks = {w}}),
            ReleaseStatus::Accepted);
  PolledTask attempt = poll("W#1").at(0);
  ASSERT_EQ(
      release(Decision{.taskId = attempt.taskId, .attempt = 1, .error = TaskError("Bug", "x")}),
      ReleaseStatus::Accepted);
  open();
  EXPECT_EQ(engine_->process(started.processId)->state, ProcessState::Broken);
  std::promise<Result<ProcessInfo>> restarted;
  engine_->restart(started.processId,
                   [&](Result<ProcessInfo> info) { restarted.set_value(std::move(info)); });
  EXPECT_EQ(restarted.get_future().get().value().state, ProcessState::Running);
  PolledTask retry = poll("W#1", 5000).at(0);
  EXPECT_EQ(retry.attempt, 2);
  ASSERT_EQ(release(Decision{.taskId = retry.taskId, .attempt = 2, .result = 9}),
            ReleaseStatus::Accepted);
  EXPECT_EQ(engine_->process(started.processId)->result, 9);
}

TEST_F(EngineTest, parkedPollGetsATaskOnceItIsDurable) {
  auto parked = std::async(std::launch::async, [&] { return poll("D#1", 10'000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  StartedProcess started = start();
  std::vector<PolledTask> tasks = parked.get();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].processId, started.processId);
}

TEST_F(EngineTest, shutdownAnswersParkedPollsWithNothing) {
  std::promise<std::vector<PolledTask>> done;
  engine_->poll(PollRequest{.worker = "t", .queues = {{"D#1", ""}}, .max = 1, .waitMs = 30'000},
                [&](std::vector<PolledTask> tasks) { done.set_value(std::move(tasks)); });
  engine_->shutdown();
  EXPECT_TRUE(done.get_future().get().empty());
  std::promise<Result<StartedProcess>> refused;
  engine_->startProcess(
      StartRequest{.actor = "D#1", .method = "start"},
      [&](Result<StartedProcess> started) { refused.set_value(std::move(started)); });
  Result<StartedProcess> result = refused.get_future().get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::Unavailable);
}

TEST_F(EngineTest, processesWaitingForAFarStartTimeLeaveMemoryAndComeBackWhenDue) {
  open(EngineOptions{.dormantAfterMs = 500, .wakeAheadMs = 100});
  const std::int64_t at = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() +
                          1'500;
  std::promise<Result<StartedProcess>> done;
  engine_->startProcess(
      StartRequest{.actor = "D#1", .method = "start", .options = {.startTime = at}},
      [&](Result<StartedProcess> started) { done.set_value(std::move(started)); });
  StartedProcess started = done.get_future().get().value();
  for (int i = 0; i < 200 && engine_->dormantProcesses() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(engine_->dormantProcesses(), 1);
  EXPECT_EQ(engine_->processesInMemory(), 0);
  EXPECT_EQ(engine_->process(started.processId)->state, ProcessState::Running);

  open(EngineOptions{.dormantAfterMs = 500, .wakeAheadMs = 100});  // a restart keeps it dormant
  EXPECT_EQ(engine_->processesInMemory(), 0);
  EXPECT_EQ(engine_->dormantProcesses(), 1);
  std::vector<PolledTask> tasks = poll("D#1", 5'000);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].processId, started.processId);
  EXPECT_EQ(engine_->dormantProcesses(), 0);
}

TEST_F(EngineTest, aDormantProcessCanBeAborted) {
  open(EngineOptions{.dormantAfterMs = 500, .wakeAheadMs = 100});
  std::promise<Result<StartedProcess>> done;
  engine_->startProcess(
      StartRequest{.actor = "D#1", .method = "start", .options = {.startTime = 4'000'000'000'000}},
      [&](Result<StartedProcess> started) { done.set_value(std::move(started)); });
  StartedProcess started = done.get_future().get().value();
  for (int i = 0; i < 200 && engine_->dormantProcesses() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(engine_->dormantProcesses(), 1);
  std::promise<Result<ProcessInfo>> aborted;
  engine_->abort(started.processId,
                 [&](Result<ProcessInfo> info) { aborted.set_value(std::move(info)); });
  EXPECT_EQ(aborted.get_future().get().value().state, ProcessState::Aborted);
  EXPECT_EQ(engine_->dormantProcesses(), 0);
}

TEST_F(EngineTest, pollValidatesItsRequest) {
  auto noop = [](std::vector<PolledTask>) {};
  EXPECT_THROW(engine_->poll(PollRequest{.queues = {}}, noop), Error);
  EXPECT_THROW(engine_->poll(PollRequest{.queues = {{"D#1", ""}}, .max = 0}, noop), Error);
  EXPECT_THROW(engine_->poll(PollRequest{.queues = {{"D", ""}}}, noop), Error);
}

TEST_F(EngineTest, aReturnedLeaseIsReadyAgainUnderTheSameAttemptAndItsHolderMayStillRelease) {
  StartedProcess started = start();
  PolledTask first = poll("D#1").at(0);
  EXPECT_EQ(first.attempt, 1);
  engine_->returnLeases({{first.taskId, first.attempt}});
  engine_->returnLeases({{first.taskId, first.attempt}});  // twice: the second finds nothing to do
  PolledTask again = poll("D#1", 2'000).at(0);
  EXPECT_EQ(again.taskId, first.taskId);
  EXPECT_EQ(again.attempt, 1) << "a lease that never reached its poller is no attempt";
  // Whoever holds attempt 1 may release it; the other release is a duplicate.
  EXPECT_EQ(release(Decision{.taskId = first.taskId, .attempt = 1, .result = 7}),
            ReleaseStatus::Accepted);
  EXPECT_EQ(release(Decision{.taskId = again.taskId, .attempt = 1, .result = 7}),
            ReleaseStatus::Duplicate);
  EXPECT_NE(metrics_.scrape({}, 0, 0).find("pledge_tasks_total{event=\"returned\"} 1"),
            std::string::npos);
  // A stale return (another attempt) changes nothing.
  engine_->returnLeases({{first.taskId, 5}});
  EXPECT_EQ(engine_->process(started.processId)->state, ProcessState::Completed);
}

TEST_F(EngineTest, aCancelledParkedPollIsAnsweredEmptyAndTakesNoTask) {
  std::promise<std::vector<PolledTask>> parked;
  std::function<void()> cancel = engine_->poll(
      PollRequest{.worker = "gone", .queues = {{"D#1", ""}}, .max = 1, .waitMs = 30'000},
      [&](std::vector<PolledTask> tasks) { parked.set_value(std::move(tasks)); });
  ASSERT_TRUE(cancel) << "a poll that waits can be cancelled";
  cancel();
  EXPECT_TRUE(parked.get_future().get().empty());
  cancel();  // twice: nothing
  start();
  EXPECT_EQ(poll("D#1", 2'000).size(), 1u);
}

}  // namespace
}  // namespace pledge::server
