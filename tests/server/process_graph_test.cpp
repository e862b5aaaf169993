// The engine rules on the in-memory graph alone: readiness, forwarding, failures, completion.
// Scenarios follow Taskurotta's graph tests (TASKUROTTA.md, 2.3).
#include "pledge/server/engine/process_graph.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace pledge::server {
namespace {

class Harness {
 public:
  Harness() : graph_(8) {}

  Task& start() {
    StartRequest request{.actor = "D#1", .method = "start", .args = Json::array({1})};
    Process& process = graph_.startProcess(request, Uuid::random(), Uuid::random(), now_, effects_);
    process_ = &process;
    return *process.startTask;
  }

  // Leases and releases task with a decision built by the caller; returns the rejection if any.
  std::optional<Rejection> release(Task& task, Decision decision) {
    if (task.state == TaskState::Ready) graph_.lease(task, now_, effects_);
    decision.taskId = task.id;
    decision.attempt = task.attempt;
    return graph_.applyDecision(task, decision, now_, effects_);
  }
  void releaseValue(Task& task, Json value, std::vector<TaskSpec> tasks = {}) {
    ASSERT_FALSE(release(task, Decision{.result = std::move(value), .tasks = std::move(tasks)}));
  }
  void releaseForward(Task& task, const TaskSpec& target, std::vector<TaskSpec> tasks) {
    ASSERT_FALSE(release(task, Decision{.promise = target.taskId, .tasks = std::move(tasks)}));
  }
  void releaseError(Task& task, TaskError error) {
    ASSERT_FALSE(release(task, Decision{.error = std::move(error)}));
  }

  Task& task(const TaskSpec& spec) { return *graph_.findTask(spec.taskId); }
  bool ready(const TaskSpec& spec) { return task(spec).state == TaskState::Ready; }
  Process& process() { return *process_; }
  ProcessGraph& graph() { return graph_; }
  Effects& effects() { return effects_; }
  void advance(std::int64_t ms) { now_ += ms; }
  std::int64_t now() const { return now_; }

 private:
  ProcessGraph graph_;
  Effects effects_;
  Process* process_ = nullptr;
  std::int64_t now_ = 1'000'000;
};

TaskSpec spec(const char* method, std::vector<ArgSpec> args = {}, TaskType type = TaskType::Worker,
              CallOptions options = {}) {
  return TaskSpec{.taskId = Uuid::random(), .actor = type == TaskType::Worker ? "W#1" : "D#1",
                  .method = method, .type = type, .args = std::move(args), .options = options};
}

ArgSpec await(const TaskSpec& task, PromiseFlags flags = {}) {
  return ArgSpec::ofPromise(task.taskId, flags);
}

TEST(ProcessGraph, startTaskIsReadyAtOnceOrAtItsStartTime) {
  Harness h;
  Task& start = h.start();
  EXPECT_EQ(start.state, TaskState::Ready);
  EXPECT_EQ(h.process().state, ProcessState::Running);
  EXPECT_EQ(h.effects().readied.size(), 1u);

  StartRequest later{.actor = "D#1", .method = "start", .options = {.startTime = h.now() + 500}};
  Effects effects;
  Process& delayed =
      h.graph().startProcess(later, Uuid::random(), Uuid::random(), h.now(), effects);
  EXPECT_EQ(delayed.startTask->state, TaskState::Scheduled);
  h.graph().onDeadline(*delayed.startTask, h.now() + 499, effects);
  EXPECT_EQ(delayed.startTask->state, TaskState::Scheduled);
  h.graph().onDeadline(*delayed.startTask, h.now() + 500, effects);
  EXPECT_EQ(delayed.startTask->state, TaskState::Ready);
}

// A -> B, C(B); B returns promise(D) and creates D; D returns promise(E) and creates E:
// C becomes ready only after E is released.
TEST(ProcessGraph, dependantsOfAForwardingTaskWaitForTheWholeChain) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b", {}, TaskType::Decider);
  TaskSpec c = spec("c", {await(b)});
  h.releaseValue(a, nullptr, {b, c});
  TaskSpec d = spec("d", {}, TaskType::Decider);
  h.releaseForward(h.task(b), d, {d});
  EXPECT_FALSE(h.ready(c));
  TaskSpec e = spec("e");
  h.releaseForward(h.task(d), e, {e});
  EXPECT_FALSE(h.ready(c));
  h.releaseValue(h.task(e), 42);
  EXPECT_TRUE(h.ready(c));
  EXPECT_EQ(h.graph().resolvedArgs(h.task(c)), (std::vector<ArgValue>{ArgValue::ofValue(42)}));
  EXPECT_EQ(*h.task(b).value, 42);
}

// A -> B, C, E(B, C); B returns promise(D): E waits for C and D.
TEST(ProcessGraph, waiterOfAForwardWaitsForTheTargetAndItsOtherArguments) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b", {}, TaskType::Decider);
  TaskSpec c = spec("c");
  TaskSpec e = spec("e", {await(b), await(c)});
  h.releaseValue(a, nullptr, {b, c, e});
  TaskSpec d = spec("d");
  h.releaseForward(h.task(b), d, {d});
  h.releaseValue(h.task(c), "C");
  EXPECT_FALSE(h.ready(e));
  h.releaseValue(h.task(d), "D");
  EXPECT_TRUE(h.ready(e));
}

// A -> B, C, D(noWait B, C); D -> E(B): D is ready after C only; E after B.
TEST(ProcessGraph, noWaitArgumentsDoNotHoldATaskBack) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b");
  TaskSpec c = spec("c");
  TaskSpec d = spec("d", {await(b, {.noWait = true}), await(c)}, TaskType::Decider);
  h.releaseValue(a, nullptr, {b, c, d});
  EXPECT_FALSE(h.ready(d));
  h.releaseValue(h.task(c), 1);
  EXPECT_TRUE(h.ready(d));
  EXPECT_EQ(h.graph().resolvedArgs(h.task(d))[0], ArgValue::ofPromise(b.taskId));
  TaskSpec e = spec("e", {await(b)});
  h.releaseValue(h.task(d), nullptr, {e});
  EXPECT_FALSE(h.ready(e));
  h.releaseValue(h.task(b), 2);
  EXPECT_TRUE(h.ready(e));
}

TEST(ProcessGraph, promiseOfAnEarlierTaskCanBeAwaitedLater) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b");
  TaskSpec next = spec("next", {}, TaskType::Decider);
  h.releaseValue(a, nullptr, {b, next});
  h.releaseValue(h.task(b), "done");
  TaskSpec late = spec("late", {await(b)});
  h.releaseValue(h.task(next), nullptr, {late});
  EXPECT_TRUE(h.ready(late));
  EXPECT_EQ(h.graph().resolvedArgs(h.task(late))[0], ArgValue::ofValue("done"));
}

TEST(ProcessGraph, aTaskFailingWithoutAcceptanceBreaksTheProcess) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b");
  TaskSpec c = spec("c", {await(b)});
  h.releaseValue(a, nullptr, {b, c});
  h.releaseError(h.task(b), TaskError("Down", "gone"));
  EXPECT_EQ(h.task(b).state, TaskState::Failed);
  EXPECT_EQ(h.task(b).promise, PromiseState::Pending);
  EXPECT_EQ(h.process().state, ProcessState::Broken);
  EXPECT_EQ(h.process().failedTaskId, b.taskId);
  EXPECT_EQ(h.process().error->type(), "Down");
  EXPECT_EQ(h.task(c).state, TaskState::Waiting);

  // Restart: b gets a new attempt; once it succeeds, c runs and the process goes on.
  h.graph().restart(h.process(), h.now(), h.effects());
  EXPECT_EQ(h.process().state, ProcessState::Running);
  EXPECT_TRUE(h.ready(b));
  h.releaseValue(h.task(b), "ok");
  EXPECT_TRUE(h.ready(c));
}

TEST(ProcessGraph, anAcceptedFailureFlowsToItsWaiters) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b");
  TaskSpec c =
      spec("c", {await(b, {.acceptFail = AcceptFail::ofTypes({"Down"})})}, TaskType::Decider);
  TaskSpec d = spec("d", {await(b, {.acceptFail = AcceptFail::any()})});
  h.releaseValue(a, nullptr, {b, c, d});
  h.releaseError(h.task(b), TaskError("Down", "gone"));
  EXPECT_EQ(h.process().state, ProcessState::Running);
  EXPECT_EQ(h.task(b).promise, PromiseState::Failed);
  EXPECT_TRUE(h.ready(c));
  EXPECT_TRUE(h.ready(d));
  EXPECT_EQ(h.graph().resolvedArgs(h.task(c))[0], ArgValue::ofFailure(TaskError("Down", "gone")));
}

TEST(ProcessGraph, aFailureOneWaiterDoesNotAcceptBreaksTheProcessForAll) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b");
  TaskSpec accepts = spec("accepts", {await(b, {.acceptFail = AcceptFail::any()})});
  TaskSpec refuses = spec("refuses", {await(b, {.acceptFail = AcceptFail::ofTypes({"Other"})})});
  h.releaseValue(a, nullptr, {b, accepts, refuses});
  h.releaseError(h.task(b), TaskError("Down", "gone"));
  EXPECT_EQ(h.process().state, ProcessState::Broken);
  EXPECT_FALSE(h.ready(accepts));
}

TEST(ProcessGraph, aFailureNobodyWaitsForBreaksTheProcess) {
  Harness h;
  Task& a = h.start();
  TaskSpec fireAndForget = spec("audit");
  h.releaseValue(a, 1, {fireAndForget});
  h.releaseError(h.task(fireAndForget), TaskError("Down", "gone"));
  EXPECT_EQ(h.process().state, ProcessState::Broken);
}

TEST(ProcessGraph, failureForwardedToTheStartTaskBreaksTheProcess) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b");
  h.releaseForward(a, b, {b});
  h.releaseError(h.task(b), TaskError("Down", "gone"));
  EXPECT_EQ(h.process().state, ProcessState::Broken);
  EXPECT_EQ(h.process().failedTaskId, b.taskId);
}

TEST(ProcessGraph, retryPolicyReschedulesAndLostLeasesAreRetriedWithoutOne) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b", {}, TaskType::Worker,
                    CallOptions{.timeoutMs = 100,
                                .retry = RetryPolicy{
                                    .kind = RetryKind::Fixed, .initialMs = 50, .maxAttempts = 2}});
  TaskSpec c = spec("c", {}, TaskType::Worker, CallOptions{.timeoutMs = 100});
  h.releaseValue(a, nullptr, {b, c});
  h.releaseError(h.task(b), TaskError("Flaky", ""));
  EXPECT_EQ(h.task(b).state, TaskState::Scheduled);
  EXPECT_EQ(h.task(b).notBefore, h.now() + 50);

  Task& lost = h.task(c);
  for (int attempt = 1; attempt <= kAttemptsAfterLostLeases; ++attempt) {
    h.graph().lease(lost, h.now(), h.effects());
    EXPECT_EQ(lost.attempt, attempt);
    h.advance(100);
    h.graph().onDeadline(lost, h.now(), h.effects());
  }
  EXPECT_EQ(lost.state, TaskState::Failed);
  EXPECT_EQ(lost.error->type(), kLeaseExpiredError);
}

TEST(ProcessGraph, processCompletesOnlyWhenStartResolvedAndNothingIsLive) {
  Harness h;
  Task& a = h.start();
  TaskSpec audit = spec("audit");
  h.releaseValue(a, "result", {audit});
  EXPECT_EQ(h.process().state, ProcessState::Running);
  h.releaseValue(h.task(audit), nullptr);
  EXPECT_EQ(h.process().state, ProcessState::Completed);
  ASSERT_EQ(h.effects().ended.size(), 1u);
}

TEST(ProcessGraph, abortCancelsLiveTasks) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b");
  TaskSpec c = spec("c", {await(b)});
  h.releaseValue(a, nullptr, {b, c});
  h.graph().lease(h.task(b), h.now(), h.effects());
  h.graph().abort(h.process(), h.now(), h.effects());
  EXPECT_EQ(h.process().state, ProcessState::Aborted);
  EXPECT_EQ(h.task(b).state, TaskState::Cancelled);
  EXPECT_EQ(h.task(c).state, TaskState::Cancelled);
  EXPECT_EQ(h.process().liveTasks, 0);
}

TEST(ProcessGraph, decisionsThatDoNotFitAreRejectedWithoutChanges) {
  Harness h;
  Task& a = h.start();
  TaskSpec unknown = spec("x", {ArgSpec::ofPromise(Uuid::random())});
  auto rejection = h.release(a, Decision{.tasks = {unknown}});
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->code, ErrorCode::BadRequest);
  EXPECT_EQ(h.graph().taskCount(), 1u);
  EXPECT_EQ(a.state, TaskState::Leased);

  TaskSpec self = spec("self");
  self.args = {ArgSpec::ofPromise(self.taskId)};
  EXPECT_TRUE(h.release(a, Decision{.tasks = {self}}));
  EXPECT_TRUE(h.release(a, Decision{.promise = a.id}));
  TaskSpec dup = spec("dup");
  EXPECT_TRUE(h.release(a, Decision{.tasks = {dup, dup}}));
  EXPECT_EQ(h.graph().taskCount(), 1u);
}

TEST(ProcessGraph, workersCreateNoTasksAndReturnNoPromises) {
  Harness h;
  Task& a = h.start();
  TaskSpec w = spec("w");
  h.releaseValue(a, nullptr, {w});
  EXPECT_TRUE(h.release(h.task(w), Decision{.tasks = {spec("child")}}));
  EXPECT_TRUE(h.release(h.task(w), Decision{.promise = a.id}));
}

TEST(ProcessGraph, queueCountsFollowTaskStates) {
  Harness h;
  Task& a = h.start();
  TaskSpec b = spec("b");
  TaskSpec c = spec("c", {await(b)});
  h.releaseValue(a, nullptr, {b, c});
  const std::string* actor = h.graph().intern("W#1");
  const std::string* list = h.graph().intern("");
  const QueueCounts& counts = h.graph().queueCounts().at(QueueKey{actor, list});
  EXPECT_EQ(counts.ready, 1);
  EXPECT_EQ(counts.waiting, 1);
  h.graph().lease(h.task(b), h.now(), h.effects());
  EXPECT_EQ(counts.running, 1);
  EXPECT_EQ(counts.ready, 0);
  h.releaseValue(h.task(b), 1);
  EXPECT_EQ(counts.running, 0);
  EXPECT_EQ(counts.ready, 1);
  EXPECT_EQ(counts.waiting, 0);
}

TEST(ProcessGraph, partitionOfIsStableAndInRange) {
  ProcessGraph graph(64);
  Uuid id = *Uuid::parse("1b4e28ba-2fa1-41d2-883f-0016d3cca427");
  EXPECT_EQ(graph.partitionOf(id), graph.partitionOf(id));
  EXPECT_EQ(graph.partitionOf(id),
            static_cast<int>((0x1b4e28ba2fa141d2ULL ^ 0x883f0016d3cca427ULL) % 64));
  for (int i = 0; i < 1000; ++i) {
    int partition = graph.partitionOf(Uuid::random());
    EXPECT_GE(partition, 0);
    EXPECT_LT(partition, 64);
  }
}

}  // namespace
}  // namespace pledge::server
