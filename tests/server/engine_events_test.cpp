// Events in the engine on a real SQLite store (docs/events.md): event tasks listen, events
// resolve them or are kept, time-outs fail them with pledge.Timeout, timers resolve, and all of
// it survives a restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <thread>

#include "pledge/server/engine/engine.h"
#include "pledge/server/store/sqlite_store.h"

namespace pledge::server {
namespace {

class EngineEvents : public ::testing::Test {
 protected:
  EngineEvents() {
    char pattern[] = "/tmp/pledge-engine-events-XXXXXX";
    dir_ = mkdtemp(pattern);
    open();
  }
  ~EngineEvents() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  void open() {
    engine_.reset();
    engine_ = std::make_unique<Engine>(std::make_unique<SqliteStore>(dir_, 8), EngineOptions{},
                                       &metrics_);
  }

  // Starts a process whose decider records the tasks made by record(event ids...) and
  // returns the promise of the last one.
  Uuid startWaiting(const std::vector<TaskSpec>& tasks, std::optional<Uuid> result = {}) {
    std::promise<Result<StartedProcess>> started;
    engine_->startProcess(StartRequest{.actor = "D#1", .method = "start"},
                          [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
    const StartedProcess process = started.get_future().get().value();
    std::promise<std::vector<PolledTask>> polled;
    engine_->poll(PollRequest{.worker = "t", .queues = {{"D#1", ""}}, .max = 1, .waitMs = 5000},
                  [&](std::vector<PolledTask> got) { polled.set_value(std::move(got)); });
    const PolledTask task = polled.get_future().get().at(0);
    std::promise<std::vector<ReleaseResult>> released;
    engine_->release({Decision{.taskId = task.taskId,
                               .attempt = task.attempt,
                               .promise = result.value_or(tasks.back().taskId),
                               .tasks = tasks}},
                     [&](std::vector<ReleaseResult> r) { released.set_value(std::move(r)); });
    EXPECT_EQ(released.get_future().get().at(0).status, ReleaseStatus::Accepted);
    return process.processId;
  }

  EventDelivery send(Event event, std::optional<Uuid> processId = std::nullopt) {
    std::promise<Result<EventDelivery>> done;
    engine_->sendEvent(std::move(event), processId,
                       [&](Result<EventDelivery> d) { done.set_value(std::move(d)); });
    Result<EventDelivery> delivery = done.get_future().get();
    EXPECT_TRUE(delivery.ok()) << delivery.error().message();
    return delivery.ok() ? delivery.value() : EventDelivery{};
  }

  ProcessInfo awaitEnd(const Uuid& processId, std::int64_t waitMs = 5000) {
    std::promise<Result<ProcessInfo>> done;
    engine_->awaitProcess(processId, waitMs,
                          [&](Result<ProcessInfo> info) { done.set_value(std::move(info)); });
    return done.get_future().get().value();
  }

  std::string dir_;
  Metrics metrics_;
  std::unique_ptr<Engine> engine_;
};

TaskSpec waitFor(std::string key, std::optional<std::int64_t> timeoutMs = std::nullopt) {
  return TaskSpec{.taskId = Uuid::random(),
                  .actor = "D#1",
                  .method = "pizzaReady",
                  .type = TaskType::Event,
                  .args = {ArgSpec::ofValue(std::move(key))},
                  .options = CallOptions{.timeoutMs = timeoutMs}};
}

Event pizza(std::string key, Json payload = "ready") {
  return Event{.name = "pizzaReady", .key = std::move(key), .payload = std::move(payload)};
}

TEST_F(EngineEvents, anEventResolvesTheWaitingTaskAndItsProcessCompletes) {
  const Uuid process = startWaiting({waitFor("order-1")});
  std::vector<TaskSnapshot> tasks = *engine_->processTasks(process);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[1].row.state, TaskState::Listening);
  // An event task's timeoutMs is its wait: none here (not the default lease of runners' tasks).
  EXPECT_EQ(tasks[1].spec.options.timeoutMs, std::nullopt);
  EXPECT_EQ(send(pizza("order-1", Json{{"oven", 3}})).resolved, 1);
  ProcessInfo info = awaitEnd(process);
  EXPECT_EQ(info.state, ProcessState::Completed);
  EXPECT_EQ(info.result, (Json{{"oven", 3}}));
}

TEST_F(EngineEvents, anEarlyEventIsConsumedOnceByTheFirstWaiter) {
  EXPECT_TRUE(send(pizza("order-2", 1)).kept);
  const Uuid first = startWaiting({waitFor("order-2")});
  EXPECT_EQ(awaitEnd(first).result, 1);
  const Uuid second = startWaiting({waitFor("order-2", 300)});
  ProcessInfo timedOut = awaitEnd(second);
  EXPECT_EQ(timedOut.state, ProcessState::Broken);
  ASSERT_TRUE(timedOut.error);
  EXPECT_EQ(timedOut.error->type(), kTimeoutError);
  EXPECT_FALSE(timedOut.error->retryable());
}

TEST_F(EngineEvents, aRestartedTimedOutWaitListensAgain) {
  const Uuid process = startWaiting({waitFor("again", 200)});
  ASSERT_EQ(awaitEnd(process).state, ProcessState::Broken);
  std::promise<Result<ProcessInfo>> restarted;
  engine_->restart(process, [&](Result<ProcessInfo> info) { restarted.set_value(std::move(info)); });
  ASSERT_EQ(restarted.get_future().get().value().state, ProcessState::Running);
  EXPECT_EQ(send(pizza("again", "second chance")).resolved, 1);
  EXPECT_EQ(awaitEnd(process).result, "second chance");
}

TEST_F(EngineEvents, aTimeOutIsAFailureThatAcceptFailTakes) {
  TaskSpec wait = waitFor("never", 200);
  // A worker task takes the failed promise and runs anyway (acceptFail).
  ArgSpec accepted = ArgSpec::ofPromise(wait.taskId, {.acceptFail = AcceptFail::any()});
  TaskSpec fallback{.taskId = Uuid::random(),
                    .actor = "W#1",
                    .method = "fallback",
                    .args = {accepted}};
  const Uuid process = startWaiting({wait, fallback});
  std::promise<std::vector<PolledTask>> polled;
  engine_->poll(PollRequest{.worker = "t", .queues = {{"W#1", ""}}, .max = 1, .waitMs = 5000},
                [&](std::vector<PolledTask> got) { polled.set_value(std::move(got)); });
  std::vector<PolledTask> got = polled.get_future().get();
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].args.at(0).kind, ArgValue::Kind::Failed);
  EXPECT_EQ(got[0].args[0].failure.type(), kTimeoutError);
  std::promise<std::vector<ReleaseResult>> released;
  engine_->release({Decision{.taskId = got[0].taskId, .attempt = 1, .result = "fell back"}},
                   [&](std::vector<ReleaseResult> r) { released.set_value(std::move(r)); });
  released.get_future().get();
  EXPECT_EQ(awaitEnd(process).result, "fell back");
}

TEST_F(EngineEvents, waitersAndKeptEventsSurviveARestart) {
  const Uuid waiting = startWaiting({waitFor("r-1")});
  EXPECT_TRUE(send(pizza("r-2", "early")).kept);
  open();
  EXPECT_EQ(send(pizza("r-1", "after")).resolved, 1);
  EXPECT_EQ(awaitEnd(waiting).result, "after");
  const Uuid late = startWaiting({waitFor("r-2")});
  EXPECT_EQ(awaitEnd(late).result, "early");
}

TEST_F(EngineEvents, aDeliveryMadeJustBeforeARestartIsApplied) {
  const Uuid waiting = startWaiting({waitFor("d-1", 60'000)});
  EXPECT_EQ(send(pizza("d-1", 7)).resolved, 1);
  open();  // whether or not the delivery was applied before, it is once
  EXPECT_EQ(awaitEnd(waiting).result, 7);
}

TEST_F(EngineEvents, aKeptEventExpiresAfterItsRetention) {
  Event event = pizza("stale", "old news");
  event.retentionMs = 100;
  EXPECT_TRUE(send(event).kept);
  EXPECT_EQ(engine_->keptEvents("pizzaReady", 10).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(engine_->keptEvents("pizzaReady", 10).empty());
  const Uuid late = startWaiting({waitFor("stale", 300)});
  EXPECT_EQ(awaitEnd(late).error->type(), kTimeoutError);
}

TEST_F(EngineEvents, aRepeatedEventIdIsADuplicate) {
  Event event = pizza("dup");
  event.id = "evt-9";
  const Uuid waiting = startWaiting({waitFor("dup")});
  EXPECT_EQ(send(event).resolved, 1);
  EventDelivery again = send(event);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.resolved, 1);
  EXPECT_EQ(awaitEnd(waiting).state, ProcessState::Completed);
  // Nothing was kept by the repeat.
  EXPECT_TRUE(engine_->keptEvents(std::nullopt, 10).empty());
}

TEST_F(EngineEvents, aTimerResolvesAfterItsDelayAlsoAcrossARestart) {
  TaskSpec timer{.taskId = Uuid::random(),
                 .actor = "D#1",
                 .method = "after",
                 .type = TaskType::Timer,
                 .options = CallOptions{.timeoutMs = 600}};
  const auto begun = std::chrono::steady_clock::now();
  const Uuid process = startWaiting({timer});
  open();
  ProcessInfo info = awaitEnd(process);
  EXPECT_EQ(info.state, ProcessState::Completed);
  EXPECT_GE(std::chrono::steady_clock::now() - begun, std::chrono::milliseconds(600));
  EXPECT_TRUE(info.result.is_number_integer()) << info.result.dump();  // when it fired
}

TEST_F(EngineEvents, aTaskWaitingForTheFirstOfSeveralEventsSaysWhichCame) {
  TaskSpec either = waitFor("exp-7", 60'000);
  either.method = "approved";
  either.args.push_back(ArgSpec::ofValue(Json::array({"rejected"})));
  const Uuid process = startWaiting({either});
  EXPECT_EQ(send(Event{.name = "rejected", .key = "exp-7", .payload = "over budget"}).resolved, 1);
  EXPECT_EQ(awaitEnd(process).result,
            (Json{{"name", "rejected"}, {"payload", "over budget"}}));
  EXPECT_EQ(send(Event{.name = "approved", .key = "exp-7"}).resolved, 0);
}

TEST_F(EngineEvents, anEventForOneProcessNeedsALiveProcess) {
  const Uuid process = startWaiting({waitFor("p-1")});
  EXPECT_EQ(send(pizza(""), process).resolved, 1);
  awaitEnd(process);
  std::promise<Result<EventDelivery>> ended;
  engine_->sendEvent(pizza(""), process,
                     [&](Result<EventDelivery> d) { ended.set_value(std::move(d)); });
  EXPECT_EQ(ended.get_future().get().error().code(), ErrorCode::Conflict);
  std::promise<Result<EventDelivery>> unknown;
  engine_->sendEvent(pizza(""), Uuid::random(),
                     [&](Result<EventDelivery> d) { unknown.set_value(std::move(d)); });
  EXPECT_EQ(unknown.get_future().get().error().code(), ErrorCode::NotFound);
}

TEST_F(EngineEvents, anAbortedProcessStopsWaiting) {
  const Uuid process = startWaiting({waitFor("a-1")});
  std::promise<Result<ProcessInfo>> aborted;
  engine_->abort(process, [&](Result<ProcessInfo> info) { aborted.set_value(std::move(info)); });
  EXPECT_EQ(aborted.get_future().get().value().state, ProcessState::Aborted);
  EventDelivery delivery = send(pizza("a-1"));
  EXPECT_EQ(delivery.resolved, 0);
  EXPECT_TRUE(delivery.kept);
}

TEST_F(EngineEvents, badEventAndTimerTasksAreRejected) {
  std::promise<Result<StartedProcess>> started;
  engine_->startProcess(StartRequest{.actor = "D#1", .method = "start"},
                        [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
  started.get_future().get();
  std::promise<std::vector<PolledTask>> polled;
  engine_->poll(PollRequest{.worker = "t", .queues = {{"D#1", ""}}, .max = 1, .waitMs = 5000},
                [&](std::vector<PolledTask> got) { polled.set_value(std::move(got)); });
  const PolledTask task = polled.get_future().get().at(0);
  auto rejection = [&](TaskSpec spec) {
    std::promise<std::vector<ReleaseResult>> released;
    engine_->release(
        {Decision{.taskId = task.taskId, .attempt = 1, .promise = spec.taskId, .tasks = {spec}}},
        [&](std::vector<ReleaseResult> r) { released.set_value(std::move(r)); });
    ReleaseResult result = released.get_future().get().at(0);
    EXPECT_EQ(result.status, ReleaseStatus::Rejected);
    return result.error ? result.error->message() : std::string();
  };
  TaskSpec noKey = waitFor("k");
  noKey.args.clear();
  EXPECT_EQ(rejection(noKey),
            "tasks[0]: an event task takes its correlation key (and the names of more events it "
            "may take first); got 0 arguments");
  TaskSpec numberKey = waitFor("k");
  numberKey.args = {ArgSpec::ofValue(5)};
  EXPECT_EQ(rejection(numberKey), "tasks[0]: args[0]: a key is a string, got 5");
  TaskSpec timer{.taskId = Uuid::random(), .actor = "D#1", .method = "after",
                 .type = TaskType::Timer};
  EXPECT_EQ(rejection(timer), "tasks[0]: options.timeoutMs: a timer task needs its delay");
}

}  // namespace
}  // namespace pledge::server
