// One test per engine rule of DESIGN.md, against a real pledge-server process on loopback. The
// test plays decider and worker by hand with raw JSON decisions.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::int64_t epochMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class EngineRules : public ::testing::Test {
 protected:
  // Starts a process of D#1.start and takes its start task.
  PolledTask startAndTake(Json args = Json::array(), StartOptions options = {}) {
    started_ = api_.start("D#1", "start", std::move(args), options);
    std::vector<PolledTask> tasks = api_.poll("D#1", 1, 5000);
    EXPECT_EQ(tasks.size(), 1u);
    if (tasks.empty()) throw std::runtime_error("the start task was not handed out");
    return tasks[0];
  }

  Json taskView(const Uuid& taskId) {
    for (const Json& task : api_.tasks(started_.processId)) {
      if (task.at("taskId") == taskId.toString()) return task;
    }
    throw std::runtime_error("no task " + taskId.toString());
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server log\n" << server_.log();
  }

  ServerProcess server_;
  TestApi api_{server_.port()};
  StartedProcess started_;
};

// ---- Rule 1: a decision is applied atomically; task ids are made by the client -------------

TEST_F(EngineRules, Rule1_decisionCreatesTasksThatReferEachOtherByClientIds) {
  PolledTask start = startAndTake();
  TaskSpec first = newTask("W#1", "first", {ArgSpec::ofValue(1)});
  TaskSpec second = newTask("W#1", "second", {ArgSpec::ofPromise(first.taskId)});
  EXPECT_EQ(api_.releaseStatus(valueOf(start, nullptr, {second, first})), "accepted");
  std::vector<PolledTask> ready = api_.poll("W#1");
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].taskId, first.taskId);
}

TEST_F(EngineRules, Rule1_aRejectedDecisionChangesNothing) {
  PolledTask start = startAndTake();
  StartedProcess other = api_.start("D#1", "start");
  TaskSpec good = newTask("W#1", "good", {});
  TaskSpec foreign = newTask("W#1", "foreign", {ArgSpec::ofPromise(other.taskId)});
  HttpResult rejected = api_.release({valueOf(start, nullptr, {good, foreign})});
  EXPECT_EQ(rejected.status, 400);
  EXPECT_NE(rejected.body.find("is no task of process"), std::string::npos) << rejected.body;
  EXPECT_EQ(api_.tasks(started_.processId).size(), 1u);
  EXPECT_TRUE(api_.poll("W#1").empty());
  // The attempt still holds its lease and can be released properly.
  EXPECT_EQ(api_.releaseStatus(valueOf(start, nullptr, {good})), "accepted");
  EXPECT_EQ(api_.poll("W#1").size(), 1u);
}

TEST_F(EngineRules, Rule1_newTasksWaitingForEachOtherInACycleAreRejected) {
  PolledTask start = startAndTake();
  TaskSpec a = newTask("W#1", "a", {});
  TaskSpec b = newTask("W#1", "b", {ArgSpec::ofPromise(a.taskId)});
  a.args = {ArgSpec::ofPromise(b.taskId)};
  HttpResult rejected = api_.release({valueOf(start, nullptr, {a, b})});
  EXPECT_EQ(rejected.status, 400);
  EXPECT_NE(rejected.body.find("cycle"), std::string::npos);
}

// ---- Rule 2: ready when every awaited promise resolved and the start time passed ------------

TEST_F(EngineRules, Rule2_taskWaitsForEveryPromiseThatIsNotNoWait) {
  PolledTask start = startAndTake();
  TaskSpec a = newTask("W#1", "a", {});
  TaskSpec b = newTask("W#1", "b", {});
  TaskSpec join =
      newTask("J#1", "join", {ArgSpec::ofPromise(a.taskId), ArgSpec::ofPromise(b.taskId)});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {a, b, join})), "accepted");
  std::vector<PolledTask> workers = api_.poll("W#1");
  ASSERT_EQ(workers.size(), 2u);
  EXPECT_TRUE(api_.poll("J#1").empty());
  ASSERT_EQ(api_.releaseStatus(valueOf(taskWithMethod(workers, "a"), "A")), "accepted");
  EXPECT_TRUE(api_.poll("J#1").empty());
  EXPECT_EQ(taskView(join.taskId).at("state"), "waiting");
  ASSERT_EQ(api_.releaseStatus(valueOf(taskWithMethod(workers, "b"), "B")), "accepted");
  std::vector<PolledTask> joins = api_.poll("J#1", 1, 5000);
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0].args, (std::vector<ArgValue>{ArgValue::ofValue("A"), ArgValue::ofValue("B")}));
}

TEST_F(EngineRules, Rule2_listArgumentWaitsForAllItsPromises) {
  PolledTask start = startAndTake();
  std::vector<TaskSpec> parts;
  std::vector<ArgSpec> items;
  for (int i = 0; i < 3; ++i) {
    parts.push_back(newTask("W#1", "part", {ArgSpec::ofValue(i)}));
    items.push_back(ArgSpec::ofPromise(parts.back().taskId));
  }
  items.push_back(ArgSpec::ofValue(100));
  TaskSpec sum = newTask("S#1", "sum", {ArgSpec::ofList(items)});
  parts.push_back(sum);
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, parts)), "accepted");
  std::vector<PolledTask> workers = api_.poll("W#1");
  ASSERT_EQ(workers.size(), 3u);
  for (std::size_t i = 0; i < workers.size(); ++i) {
    EXPECT_TRUE(api_.poll("S#1").empty()) << "ready after " << i << " of 3";
    ASSERT_EQ(api_.releaseStatus(valueOf(workers[i], workers[i].args[0].value.get<int>() * 10)),
              "accepted");
  }
  std::vector<PolledTask> sums = api_.poll("S#1", 1, 5000);
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(Json(sums[0].args[0]),
            parseJson(R"({"list":[{"value":0},{"value":10},{"value":20},{"value":100}]})"));
}

TEST_F(EngineRules, Rule2_noWaitArgumentArrivesAsItIsWhenTheTaskRuns) {
  PolledTask start = startAndTake();
  TaskSpec slow = newTask("Slow#1", "slow", {});
  TaskSpec quick = newTask("W#1", "quick", {});
  TaskSpec next = newTask("N#1", "next", {ArgSpec::ofPromise(slow.taskId, {.noWait = true}),
                                          ArgSpec::ofPromise(quick.taskId)});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {slow, quick, next})), "accepted");
  std::vector<PolledTask> quicks = api_.poll("W#1");
  ASSERT_EQ(quicks.size(), 1u);
  ASSERT_EQ(api_.releaseStatus(valueOf(quicks[0], 2)), "accepted");
  // Ready once the awaited argument resolved; the noWait one is still a pending promise.
  std::vector<PolledTask> nexts = api_.poll("N#1", 1, 5000);
  ASSERT_EQ(nexts.size(), 1u);
  EXPECT_EQ(nexts[0].args[0], ArgValue::ofPromise(slow.taskId));
  EXPECT_EQ(nexts[0].args[1], ArgValue::ofValue(2));
  EXPECT_EQ(api_.poll("Slow#1").size(), 1u);
}

TEST_F(EngineRules, Rule2_readyTasksComeOutByPriorityThenReadyTime) {
  PolledTask start = startAndTake();
  std::vector<TaskSpec> tasks;
  for (auto [name, priority] : std::vector<std::pair<const char*, int>>{
           {"low", 0}, {"highFirst", 5}, {"highSecond", 5}, {"middle", 1}}) {
    tasks.push_back(newTask("W#1", name, {}, TaskType::Worker, CallOptions{.priority = priority}));
  }
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, tasks)), "accepted");
  std::vector<PolledTask> polled = api_.poll("W#1", 10);
  ASSERT_EQ(polled.size(), 4u);
  EXPECT_EQ(polled[0].method, "highFirst");
  EXPECT_EQ(polled[1].method, "highSecond");
  EXPECT_EQ(polled[2].method, "middle");
  EXPECT_EQ(polled[3].method, "low");
}

TEST_F(EngineRules, Rule2_taskWithAStartTimeWaitsForIt) {
  PolledTask start = startAndTake();
  const std::int64_t at = epochMs() + 1200;
  TaskSpec later = newTask("W#1", "later", {}, TaskType::Worker, CallOptions{.startTime = at});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {later})), "accepted");
  EXPECT_TRUE(api_.poll("W#1").empty());
  EXPECT_EQ(taskView(later.taskId).at("state"), "scheduled");
  std::vector<PolledTask> polled = api_.poll("W#1", 1, 10'000);
  ASSERT_EQ(polled.size(), 1u);
  EXPECT_GE(epochMs(), at);
}

// ---- Rule 3: promises resolve with values, or forward to another promise (any depth) --------

TEST_F(EngineRules, Rule3_forwardingChainOfDepthThreeResolvesWithTheLastValue) {
  PolledTask start = startAndTake();
  // start -> a -> b -> w (worker); c waits for start's promise.
  TaskSpec a = newTask("D#1", "a", {}, TaskType::Decider);
  TaskSpec c = newTask("C#1", "consume", {ArgSpec::ofPromise(start.taskId)});
  ASSERT_EQ(api_.releaseStatus(forwardOf(start, a.taskId, {a, c})), "accepted");

  std::vector<PolledTask> deciders = api_.poll("D#1", 1, 5000);
  ASSERT_EQ(deciders.size(), 1u);
  TaskSpec b = newTask("D#1", "b", {}, TaskType::Decider);
  ASSERT_EQ(api_.releaseStatus(forwardOf(deciders[0], b.taskId, {b})), "accepted");
  deciders = api_.poll("D#1", 1, 5000);
  ASSERT_EQ(deciders.size(), 1u);
  TaskSpec w = newTask("W#1", "compute", {});
  ASSERT_EQ(api_.releaseStatus(forwardOf(deciders[0], w.taskId, {w})), "accepted");
  EXPECT_TRUE(api_.poll("C#1").empty());
  EXPECT_EQ(taskView(start.taskId).at("promise"), "pending");

  std::vector<PolledTask> workers = api_.poll("W#1", 1, 5000);
  ASSERT_EQ(workers.size(), 1u);
  ASSERT_EQ(api_.releaseStatus(valueOf(workers[0], 7)), "accepted");
  std::vector<PolledTask> consumers = api_.poll("C#1", 1, 5000);
  ASSERT_EQ(consumers.size(), 1u);
  EXPECT_EQ(consumers[0].args[0], ArgValue::ofValue(7));
  EXPECT_EQ(taskView(a.taskId).at("result"), 7);
  EXPECT_EQ(taskView(a.taskId).at("parentId"), start.taskId.toString());
  EXPECT_TRUE(taskView(start.taskId).at("parentId").is_null());
  ASSERT_EQ(api_.releaseStatus(valueOf(consumers[0], nullptr)), "accepted");
  ProcessInfo done = api_.awaitResult(started_.processId, 5000);
  EXPECT_EQ(done.state, ProcessState::Completed);
  EXPECT_EQ(done.result, 7);
}

// ---- Rule 4: leases, heartbeats, attempts; release is idempotent ----------------------------

TEST_F(EngineRules, Rule4_expiredLeaseCountsAsAFailedAttemptAndTheTaskIsHandedOutAgain) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "work", {}, TaskType::Worker, CallOptions{.timeoutMs = 300});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {work})), "accepted");
  std::vector<PolledTask> first = api_.poll("W#1");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].attempt, 1);
  EXPECT_EQ(first[0].timeoutMs, 300);
  std::vector<PolledTask> second = api_.poll("W#1", 1, 10'000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].taskId, work.taskId);
  EXPECT_EQ(second[0].attempt, 2);
  EXPECT_EQ(taskView(work.taskId).at("error").at("type"), "pledge.LeaseExpired");
}

// The tasks view (GET /api/v1/processes/{id}/tasks) writes the lease of a task's attempts: its
// own timeout, else the server's default; also once the process ended (read from the store).
TEST_F(EngineRules, tasksViewShowsTheTimeoutATaskSetOrTheDefault) {
  PolledTask start = startAndTake();
  TaskSpec timed = newTask("W#1", "timed", {}, TaskType::Worker, CallOptions{.timeoutMs = 300});
  TaskSpec untimed = newTask("W#1", "untimed", {});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {timed, untimed})), "accepted");
  EXPECT_EQ(taskView(timed.taskId).at("timeoutMs"), 300);
  EXPECT_EQ(taskView(untimed.taskId).at("timeoutMs"), 60'000) << "the server's default";
  ASSERT_EQ(
      api_.http().post("/api/v1/processes/" + started_.processId.toString() + "/abort", "").status,
      200);
  EXPECT_EQ(taskView(timed.taskId).at("timeoutMs"), 300);
  EXPECT_EQ(taskView(untimed.taskId).at("timeoutMs"), 60'000) << "read from the store";
}

TEST_F(EngineRules, Rule4_aReleaseMayLeaseTheTasksItMadeReadyInTheSameAnswer) {
  PolledTask start = startAndTake();
  TaskSpec first = newTask("W#1", "first", {});
  TaskSpec second = newTask("W#1", "second", {ArgSpec::ofPromise(first.taskId)});
  ASSERT_EQ(api_.releaseStatus(forwardOf(start, second.taskId, {first, second})), "accepted");
  PolledTask leased = api_.poll("W#1", 1, 5000).at(0);
  ASSERT_EQ(leased.taskId, first.taskId);
  // first's result makes second ready: the same request leases it, once first's result is durable.
  Json body = {{"decisions", {Json(valueOf(leased, "one"))}},
               {"poll", {{"worker", "w"}, {"actors", {{{"actor", "W#1"}}}}, {"max", 5}}}};
  HttpResult answer = api_.http().post("/api/v1/tasks/release", body);
  ASSERT_EQ(answer.status, 200) << answer.body;
  Json json = answer.json();
  EXPECT_EQ(json.at("results").at(0).at("status"), "accepted");
  ASSERT_EQ(json.at("tasks").size(), 1u) << answer.body;
  PolledTask next = json.at("tasks").at(0).get<PolledTask>();
  EXPECT_EQ(next.taskId, second.taskId);
  EXPECT_EQ(next.args, (std::vector<ArgValue>{ArgValue::ofValue("one")}));
  EXPECT_TRUE(api_.poll("W#1", 5, 200).empty()) << "second is leased to the releaser";
  EXPECT_EQ(taskView(second.taskId).at("state"), "running");
  // Nothing ready: an empty list at once (the poll of a release does not wait unless asked to).
  body = {{"decisions", {Json(valueOf(next, "two"))}},
          {"poll", {{"actors", {{{"actor", "W#1"}}}}}}};
  const auto sent = steady_clock::now();
  answer = api_.http().post("/api/v1/tasks/release", body);
  EXPECT_LT(steady_clock::now() - sent, milliseconds(2'000));
  EXPECT_EQ(answer.json().at("tasks"), Json::array());
  EXPECT_EQ(api_.awaitResult(started_.processId, 5000).result, "two");
}

TEST_F(EngineRules, Rule4_heartbeatExtendsTheLease) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "work", {}, TaskType::Worker, CallOptions{.timeoutMs = 500});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {work})), "accepted");
  std::vector<PolledTask> polled = api_.poll("W#1");
  ASSERT_EQ(polled.size(), 1u);
  const auto until = steady_clock::now() + milliseconds(1500);
  while (steady_clock::now() < until) {
    HttpResult beat = api_.heartbeat(work.taskId, 1);
    ASSERT_EQ(beat.status, 200) << beat.body;
    std::this_thread::sleep_for(milliseconds(150));
  }
  EXPECT_TRUE(api_.poll("W#1").empty());
  EXPECT_EQ(api_.releaseStatus(valueOf(polled[0], "done")), "accepted");
  EXPECT_EQ(api_.heartbeat(work.taskId, 1).status, 409);
  EXPECT_EQ(api_.heartbeat(Uuid::random(), 1).status, 404);
}

TEST_F(EngineRules, Rule4_releaseOfAStaleAttemptIsRefusedWith409) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "work", {}, TaskType::Worker, CallOptions{.timeoutMs = 200});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {work})), "accepted");
  PolledTask first = api_.poll("W#1").at(0);
  PolledTask second = api_.poll("W#1", 1, 10'000).at(0);
  ASSERT_EQ(second.attempt, 2);
  HttpResult stale = api_.release({valueOf(first, "late")});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.json().at("error").at("code"), "conflict");
  EXPECT_EQ(taskView(work.taskId).at("state"), "running");
  EXPECT_EQ(api_.releaseStatus(valueOf(second, "on time")), "accepted");
  EXPECT_EQ(taskView(work.taskId).at("result"), "on time");
}

TEST_F(EngineRules, Rule4_duplicateReleaseIsIgnored) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "work", {});
  Decision decision = valueOf(start, nullptr, {work});
  EXPECT_EQ(api_.releaseStatus(decision), "accepted");
  // The same decision again, and the same attempt with other new tasks: both ignored.
  EXPECT_EQ(api_.releaseStatus(decision), "duplicate");
  EXPECT_EQ(api_.releaseStatus(valueOf(start, nullptr, {newTask("W#1", "extra", {})})),
            "duplicate");
  EXPECT_EQ(api_.tasks(started_.processId).size(), 2u);
  EXPECT_EQ(api_.poll("W#1").size(), 1u);
}

// ---- Rule 5: failed attempts are retried by the task's retry policy -------------------------

struct RetryCase {
  const char* name;
  RetryPolicy policy;
  std::int64_t firstDelay;
  std::int64_t secondDelay;
};

void PrintTo(const RetryCase& retry, std::ostream* out) { *out << retry.name; }

class RetryPolicies : public EngineRules, public ::testing::WithParamInterface<RetryCase> {};

TEST_P(RetryPolicies, Rule5_failedAttemptIsRescheduledByThePolicyUntilMaxAttempts) {
  const RetryCase& retry = GetParam();
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "flaky", {}, TaskType::Worker, CallOptions{.retry = retry.policy});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {work})), "accepted");
  for (std::int64_t delay : {retry.firstDelay, retry.secondDelay}) {
    PolledTask attempt = api_.poll("W#1", 1, 10'000).at(0);
    const std::int64_t failedAt = epochMs();
    ASSERT_EQ(api_.releaseStatus(errorOf(attempt, TaskError("Flaky", "try again"))), "accepted");
    Json view = taskView(work.taskId);
    EXPECT_EQ(view.at("state"), "scheduled");
    const std::int64_t notBefore = view.at("notBefore").get<std::int64_t>();
    EXPECT_GE(notBefore, failedAt + delay - 5) << retry.name;
    EXPECT_LE(notBefore, failedAt + delay + 1000) << retry.name;
    EXPECT_TRUE(api_.poll("W#1").empty());
  }
  // The third attempt is the last one (maxAttempts 3): its failure is final.
  PolledTask last = api_.poll("W#1", 1, 10'000).at(0);
  EXPECT_EQ(last.attempt, 3);
  ASSERT_EQ(api_.releaseStatus(errorOf(last, TaskError("Flaky", "still"))), "accepted");
  ProcessInfo broken = api_.awaitResult(started_.processId, 5000);
  EXPECT_EQ(broken.state, ProcessState::Broken);
  EXPECT_EQ(taskView(work.taskId).at("state"), "failed");
}

INSTANTIATE_TEST_SUITE_P(
    EachPolicy, RetryPolicies,
    ::testing::Values(
        RetryCase{"fixed",
                  RetryPolicy{.kind = RetryKind::Fixed, .initialMs = 300, .maxAttempts = 3}, 300,
                  300},
        RetryCase{"linear",
                  RetryPolicy{.kind = RetryKind::Linear, .initialMs = 200, .maxAttempts = 3}, 200,
                  400},
        RetryCase{"exponential",
                  RetryPolicy{.kind = RetryKind::Exponential,
                              .initialMs = 150,
                              .multiplier = 3.0,
                              .maxAttempts = 3},
                  150, 450}),
    [](const auto& param) { return std::string(param.param.name); });

TEST_F(EngineRules, Rule5_nonRetryableErrorsFailAtOnce) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask(
      "W#1", "work", {}, TaskType::Worker,
      CallOptions{.retry = RetryPolicy{
                      .kind = RetryKind::Fixed, .initialMs = 10, .nonRetryable = {"Fatal"}}});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {work})), "accepted");
  PolledTask attempt = api_.poll("W#1").at(0);
  ASSERT_EQ(api_.releaseStatus(errorOf(attempt, TaskError("Fatal", "no"))), "accepted");
  EXPECT_EQ(taskView(work.taskId).at("state"), "failed");
  EXPECT_EQ(api_.process(started_.processId).state, ProcessState::Broken);
}

// ---- Rule 6: failures break the process unless accepted; restart and abort ------------------

TEST_F(EngineRules, Rule6_acceptFailByTypeDeliversTheFailure) {
  PolledTask start = startAndTake();
  TaskSpec risky = newTask("W#1", "risky", {});
  TaskSpec handler =
      newTask("H#1", "handle",
              {ArgSpec::ofPromise(risky.taskId, {.acceptFail = AcceptFail::ofTypes({"Oops"})})},
              TaskType::Decider);
  ASSERT_EQ(api_.releaseStatus(forwardOf(start, handler.taskId, {risky, handler})), "accepted");
  PolledTask attempt = api_.poll("W#1").at(0);
  ASSERT_EQ(api_.releaseStatus(errorOf(attempt, TaskError("Oops", "bad luck", false))), "accepted");
  std::vector<PolledTask> handlers = api_.poll("H#1", 1, 5000);
  ASSERT_EQ(handlers.size(), 1u);
  EXPECT_EQ(handlers[0].args[0], ArgValue::ofFailure(TaskError("Oops", "bad luck", false)));
  ASSERT_EQ(api_.releaseStatus(valueOf(handlers[0], "recovered")), "accepted");
  ProcessInfo done = api_.awaitResult(started_.processId, 5000);
  EXPECT_EQ(done.state, ProcessState::Completed);
  EXPECT_EQ(done.result, "recovered");
}

TEST_F(EngineRules, Rule6_failureOfAnotherTypeBreaksTheProcess) {
  PolledTask start = startAndTake();
  TaskSpec risky = newTask("W#1", "risky", {});
  TaskSpec handler =
      newTask("H#1", "handle",
              {ArgSpec::ofPromise(risky.taskId, {.acceptFail = AcceptFail::ofTypes({"Other"})})},
              TaskType::Decider);
  ASSERT_EQ(api_.releaseStatus(forwardOf(start, handler.taskId, {risky, handler})), "accepted");
  PolledTask attempt = api_.poll("W#1").at(0);
  ASSERT_EQ(api_.releaseStatus(errorOf(attempt, TaskError("Oops", "bad luck"))), "accepted");
  ProcessInfo broken = api_.awaitResult(started_.processId, 5000);
  EXPECT_EQ(broken.state, ProcessState::Broken);
  EXPECT_EQ(broken.error->type(), "Oops");
  EXPECT_EQ(broken.failedTaskId, risky.taskId);
  EXPECT_TRUE(api_.poll("H#1").empty());
  HttpResult list = api_.http().get("/api/v1/processes?state=broken");
  EXPECT_NE(list.body.find(started_.processId.toString()), std::string::npos);
}

TEST_F(EngineRules, Rule6_brokenProcessRestartsAndCompletes) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "work", {ArgSpec::ofValue(20)});
  ASSERT_EQ(api_.releaseStatus(forwardOf(start, work.taskId, {work})), "accepted");
  PolledTask attempt = api_.poll("W#1").at(0);
  ASSERT_EQ(api_.releaseStatus(errorOf(attempt, TaskError("Bug", "division by zero"))), "accepted");
  ASSERT_EQ(api_.awaitResult(started_.processId, 5000).state, ProcessState::Broken);
  EXPECT_EQ(
      api_.http().post("/api/v1/processes/" + started_.processId.toString() + "/abort", "").status,
      200);
  // An aborted process cannot be restarted; a fresh broken one can.
  EXPECT_EQ(api_.http()
                .post("/api/v1/processes/" + started_.processId.toString() + "/restart", "")
                .status,
            409);
  start = startAndTake();
  work = newTask("W#1", "work", {ArgSpec::ofValue(20)});
  ASSERT_EQ(api_.releaseStatus(forwardOf(start, work.taskId, {work})), "accepted");
  attempt = api_.poll("W#1").at(0);
  ASSERT_EQ(api_.releaseStatus(errorOf(attempt, TaskError("Bug", "division by zero"))), "accepted");
  ASSERT_EQ(api_.awaitResult(started_.processId, 5000).state, ProcessState::Broken);

  HttpResult restarted =
      api_.http().post("/api/v1/processes/" + started_.processId.toString() + "/restart", "");
  ASSERT_EQ(restarted.status, 200) << restarted.body;
  EXPECT_EQ(restarted.json().at("state"), "running");
  PolledTask retry = api_.poll("W#1", 1, 5000).at(0);
  EXPECT_EQ(retry.attempt, 2);
  ASSERT_EQ(api_.releaseStatus(valueOf(retry, 40)), "accepted");
  ProcessInfo done = api_.awaitResult(started_.processId, 5000);
  EXPECT_EQ(done.state, ProcessState::Completed);
  EXPECT_EQ(done.result, 40);
}

TEST_F(EngineRules, Rule6_abortCancelsEveryLiveTask) {
  PolledTask start = startAndTake();
  TaskSpec leased = newTask("W#1", "leased", {});
  TaskSpec queued = newTask("Q#1", "queued", {});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {leased, queued})), "accepted");
  PolledTask running = api_.poll("W#1").at(0);
  HttpResult aborted =
      api_.http().post("/api/v1/processes/" + started_.processId.toString() + "/abort", "");
  ASSERT_EQ(aborted.status, 200) << aborted.body;
  EXPECT_EQ(aborted.json().at("state"), "aborted");
  EXPECT_FALSE(aborted.json().at("endedAt").is_null());
  EXPECT_TRUE(api_.poll("Q#1").empty());
  // The running task hears it from its release and heartbeat: 409 cancelled.
  HttpResult late = api_.release({valueOf(running, 1)});
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.json().at("error").at("code"), "cancelled") << late.body;
  HttpResult beat = api_.http().post(
      "/api/v1/tasks/" + running.taskId.toString() + "/heartbeat", R"({"attempt":1})");
  EXPECT_EQ(beat.status, 409);
  EXPECT_EQ(beat.json().at("error").at("code"), "cancelled") << beat.body;
  EXPECT_EQ(api_.process(started_.processId).state, ProcessState::Aborted);
  EXPECT_EQ(
      api_.http().post("/api/v1/processes/" + started_.processId.toString() + "/abort", "").status,
      409);
}

// ---- Rule 7: completion -------------------------------------------------------------------

TEST_F(EngineRules, Rule7_processCompletesWhenStartResolvedAndNothingIsLeft) {
  PolledTask start = startAndTake();
  TaskSpec fireAndForget = newTask("W#1", "audit", {});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, 5, {fireAndForget})), "accepted");
  EXPECT_EQ(api_.process(started_.processId).state, ProcessState::Running);
  auto waiting = std::async(std::launch::async, [&] {
    TestApi other(server_.port());
    return other.awaitResult(started_.processId, 10'000);
  });
  std::this_thread::sleep_for(milliseconds(200));
  PolledTask audit = api_.poll("W#1").at(0);
  ASSERT_EQ(api_.releaseStatus(valueOf(audit, "logged")), "accepted");
  ProcessInfo done = waiting.get();
  EXPECT_EQ(done.state, ProcessState::Completed);
  EXPECT_EQ(done.result, 5);
  EXPECT_TRUE(done.endedAt.has_value());
  // Ended processes are still served (from the store).
  EXPECT_EQ(api_.process(started_.processId).result, 5);
  EXPECT_EQ(api_.tasks(started_.processId).size(), 2u);
}

TEST_F(EngineRules, Rule7_resultWaitEndsAfterWaitMsWhileRunning) {
  startAndTake();
  const auto before = steady_clock::now();
  ProcessInfo info = api_.awaitResult(started_.processId, 300);
  EXPECT_EQ(info.state, ProcessState::Running);
  EXPECT_GE(steady_clock::now() - before, milliseconds(250));
}

// ---- Rule 8: customId and startTime -------------------------------------------------------

TEST_F(EngineRules, Rule8_startingTwiceWithACustomIdReturnsTheExistingProcess) {
  Json body = {{"actor", "D#1"}, {"method", "start"}, {"args", {1}}, {"customId", "order-17"}};
  HttpResult first = api_.http().post("/api/v1/processes", body);
  HttpResult second = api_.http().post("/api/v1/processes", body);
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(first.json().at("processId"), second.json().at("processId"));
  EXPECT_EQ(api_.poll("D#1", 10).size(), 1u);
  HttpResult byCustomId = api_.http().get("/api/v1/processes?customId=order-17");
  EXPECT_EQ(byCustomId.json().at("items").size(), 1u);
}

TEST_F(EngineRules, Rule8_scheduledStartWaitsForItsStartTime) {
  const std::int64_t at = epochMs() + 1200;
  StartedProcess scheduled =
      api_.start("D#1", "start", Json::array(), StartOptions{.startTime = at});
  EXPECT_TRUE(api_.poll("D#1").empty());
  EXPECT_EQ(api_.process(scheduled.processId).state, ProcessState::Running);
  std::vector<PolledTask> polled = api_.poll("D#1", 1, 10'000);
  ASSERT_EQ(polled.size(), 1u);
  EXPECT_GE(epochMs(), at);
}

// ---- Rule 9: blocked actors -----------------------------------------------------------------

TEST_F(EngineRules, Rule9_blockedActorsTasksStayQueuedUntilUnblocked) {
  PolledTask start = startAndTake();
  ASSERT_EQ(api_.http().post("/api/v1/actors/W%231/block", "").status, 200);
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {newTask("W#1", "work", {})})), "accepted");
  EXPECT_TRUE(api_.poll("W#1").empty());
  Json actors = api_.http().get("/api/v1/actors").json();
  bool blockedShown = false;
  for (const Json& actor : actors) {
    if (actor.at("actor") == "W#1")
      blockedShown = actor.at("blocked").get<bool>() && actor.at("ready") == 1;
  }
  EXPECT_TRUE(blockedShown) << actors.dump();
  auto parked = std::async(std::launch::async, [&] {
    TestApi other(server_.port());
    return other.poll("W#1", 1, 10'000);
  });
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_EQ(api_.http().post("/api/v1/actors/W%231/unblock", "").status, 200);
  EXPECT_EQ(parked.get().size(), 1u);
}

// ---- Rule 10: recovery --------------------------------------------------------------------

TEST_F(EngineRules, Rule10_leasedTaskIsLeasedAgainAfterItsLeaseExpiresAcrossARestart) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "work", {}, TaskType::Worker, CallOptions{.timeoutMs = 4000});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {work})), "accepted");
  PolledTask first = api_.poll("W#1").at(0);
  // A lease is written once it has been held for --lease-write-delay-ms (1 s by default).
  std::this_thread::sleep_for(milliseconds(1'600));
  server_.stop(SIGKILL);
  server_.start();
  TestApi api(server_.port());
  EXPECT_TRUE(api.poll("W#1", 10, 500).empty()) << "handed out while its lease holds";
  PolledTask second = api.poll("W#1", 1, 10'000).at(0);
  EXPECT_EQ(second.taskId, work.taskId);
  EXPECT_EQ(second.attempt, 2);
  EXPECT_EQ(api.releaseStatus(valueOf(second, "ok")), "accepted");
  EXPECT_EQ(api.awaitResult(started_.processId, 5000).state, ProcessState::Completed);
}

TEST_F(EngineRules, Rule10_aLeaseNotYetWrittenIsHandedOutAgainAtOnceAndItsHolderMayStillRelease) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "work", {}, TaskType::Worker, CallOptions{.timeoutMs = 60'000});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {work})), "accepted");
  PolledTask first = api_.poll("W#1").at(0);
  ASSERT_EQ(first.attempt, 1);
  server_.stop(SIGKILL);  // before the lease is a second old: it was not written
  server_.start();
  TestApi api(server_.port());
  // Not after the 60 s lease: at once, under the same attempt number.
  std::vector<PolledTask> again = api.poll("W#1", 10, 5'000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].taskId, work.taskId);
  EXPECT_EQ(again[0].attempt, 1);
  // The first holder releases first and wins; the second release of attempt 1 is a duplicate.
  EXPECT_EQ(api.releaseStatus(valueOf(first, "first")), "accepted");
  EXPECT_EQ(api.releaseStatus(valueOf(again[0], "second")), "duplicate");
  EXPECT_EQ(api.awaitResult(started_.processId, 5000).state, ProcessState::Completed);
  bool found = false;
  for (const Json& task : api.tasks(started_.processId)) {
    if (task.at("taskId") != work.taskId.toString()) continue;
    found = true;
    EXPECT_EQ(task.at("result"), "first");
  }
  EXPECT_TRUE(found);
}

TEST_F(EngineRules, Rule10_theHolderOfALeaseNotWrittenGetsItBackByReleasingBeforeAnyonePolls) {
  PolledTask start = startAndTake();
  TaskSpec work = newTask("W#1", "work", {}, TaskType::Worker, CallOptions{.timeoutMs = 60'000});
  ASSERT_EQ(api_.releaseStatus(valueOf(start, nullptr, {work})), "accepted");
  PolledTask first = api_.poll("W#1").at(0);
  server_.stop(SIGKILL);
  server_.start();
  TestApi api(server_.port());
  ASSERT_EQ(api.heartbeat(first.taskId, first.attempt).status, 200)
      << "the heartbeat takes the lease back";
  EXPECT_TRUE(api.poll("W#1", 10, 300).empty()) << "leased again to its holder";
  EXPECT_EQ(api.releaseStatus(valueOf(first, "done")), "accepted");
  EXPECT_EQ(api.awaitResult(started_.processId, 5000).state, ProcessState::Completed);
}

}  // namespace
}  // namespace pledge::testing
