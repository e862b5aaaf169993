// Every generated method of features.pledge.yaml, exercised: proxies record what they should,
// dispatchers decode and encode every type, starters and recordings work, registration
// registers the actors that name an implementation.
#include <gtest/gtest.h>

#include "features.pledge.h"
#include "features_impl.h"
#include "pledge/decider_runtime.h"
#include "pledge/task_recorder.h"
#include "pledge/worker_runtime.h"

namespace features {
namespace {

using pledge::ArgValue;
using pledge::Json;

pledge::PolledTask taskFor(const char* actor, const char* method, std::vector<ArgValue> args) {
  pledge::PolledTask task;
  task.taskId = pledge::Uuid::random();
  task.processId = pledge::Uuid::random();
  task.actor = actor;
  task.method = method;
  task.args = std::move(args);
  return task;
}

pledge::Decision runCalculator(const char* method, std::vector<ArgValue> args) {
  pledge::WorkerRuntime runtime(
      std::make_unique<CalculatorDispatcher>(std::make_unique<CalculatorImpl>()));
  return runtime.execute(taskFor(Calculator::kActor, method, std::move(args)));
}

TEST(GeneratedWorker, dispatcherDecodesEveryTypeAndEncodesTheResult) {
  EXPECT_EQ(runCalculator("add", {ArgValue::ofValue(2), ArgValue::ofValue(40)}).result, 42);
  EXPECT_EQ(runCalculator("scale", {ArgValue::ofValue({1.5, 2}), ArgValue::ofValue(2)}).result,
            Json({3.0, 4.0}));
  EXPECT_EQ(runCalculator("describe", {ArgValue::ofValue({{"k", "v"}}), ArgValue::ofValue(nullptr)})
                .result,
            Json({{"labels", {{"k", "v"}}}, {"note", nullptr}}));
  EXPECT_EQ(runCalculator("flip", {ArgValue::ofValue(false)}).result, true);
  EXPECT_EQ(runCalculator("move", {ArgValue::ofValue({{"x", 1}, {"y", 2}}),
                                   ArgValue::ofValue({{"x", 10}, {"y", 20}})})
                .result,
            Json({{"x", 11}, {"y", 22}}));
  EXPECT_EQ(runCalculator("nested", {ArgValue::ofValue({{1, 2}, {3}}),
                                     ArgValue::ofValue({{"a", {"x", "y"}}})})
                .result,
            Json({{"a", 2}, {"rows", 2}}));
  EXPECT_TRUE(
      runCalculator("nested", {ArgValue::ofValue(Json::array()), ArgValue::ofValue(Json::object())})
          .result.is_null());
}

TEST(GeneratedWorker, voidMethodRunsAndReturnsNull) {
  int before = CalculatorImpl::nothingCalls;
  pledge::Decision decision = runCalculator("nothing", {});
  EXPECT_FALSE(decision.failed());
  EXPECT_TRUE(decision.result.is_null());
  EXPECT_EQ(CalculatorImpl::nothingCalls, before + 1);
}

TEST(GeneratedWorker, listArgumentArrivesResolvedElementByElement) {
  pledge::Decision decision = runCalculator(
      "scale",
      {ArgValue::ofList({ArgValue::ofValue(1), ArgValue::ofValue(2)}), ArgValue::ofValue(3)});
  EXPECT_EQ(decision.result, Json({3.0, 6.0}));
}

TEST(GeneratedWorker, acceptFailAndNoWaitParametersArriveAsPromises) {
  pledge::Decision failed = runCalculator(
      "inspect", {ArgValue::ofFailure(pledge::TaskError("features::Broken", "x")),
                  ArgValue::ofPromise(pledge::Uuid::random())});
  EXPECT_EQ(failed.result, "failed:features::Broken,later pending");
  pledge::Decision resolved =
      runCalculator("inspect", {ArgValue::ofValue(5), ArgValue::ofValue("now")});
  EXPECT_EQ(resolved.result, "value:5,later now");
}

TEST(GeneratedWorker, exceptionsBecomeTaskErrorsNamedByType) {
  pledge::Decision fatal = runCalculator("fail", {ArgValue::ofValue("fatal")});
  ASSERT_TRUE(fatal.failed());
  EXPECT_EQ(fatal.error->type(), "features::Fatal");
  EXPECT_EQ(fatal.error->message(), "cannot work");
  EXPECT_TRUE(fatal.error->retryable());
  pledge::Decision stated = runCalculator("fail", {ArgValue::ofValue("stated")});
  EXPECT_EQ(*stated.error, pledge::TaskError("Stated", "said so", false));
  pledge::Decision thrownInt = runCalculator("fail", {ArgValue::ofValue("int")});
  EXPECT_EQ(thrownInt.error->type(), "int");
  EXPECT_EQ(thrownInt.error->message(), "unknown exception");
}

TEST(GeneratedWorker, badArgumentsAndUnknownMethodsAreNonRetryableErrors) {
  pledge::Decision wrongType =
      runCalculator("add", {ArgValue::ofValue("two"), ArgValue::ofValue(1)});
  ASSERT_TRUE(wrongType.failed());
  EXPECT_EQ(wrongType.error->type(), "pledge.BadArguments");
  EXPECT_EQ(wrongType.error->message(),
            "Calculator#2.1.add: args[0]: expected an integer, got the string \"two\"");
  EXPECT_FALSE(wrongType.error->retryable());

  pledge::Decision nestedType = runCalculator(
      "move", {ArgValue::ofValue({{"x", "one"}, {"y", 2}}), ArgValue::ofValue(nullptr)});
  EXPECT_EQ(nestedType.error->type(), "pledge.BadArguments");
  EXPECT_NE(nestedType.error->message().find("args[0]"), std::string::npos);

  pledge::Decision wrongCount = runCalculator("add", {ArgValue::ofValue(1)});
  EXPECT_EQ(wrongCount.error->message(), "Calculator#2.1.add takes 2 arguments, the task has 1");

  pledge::Decision failedArg =
      runCalculator("flip", {ArgValue::ofFailure(pledge::TaskError("Down", ""))});
  EXPECT_EQ(failedArg.error->type(), "pledge.BadArguments");

  pledge::Decision unknown = runCalculator("divide", {});
  EXPECT_EQ(unknown.error->type(), "pledge.UnknownMethod");
  EXPECT_FALSE(unknown.error->retryable());
}

TEST(GeneratedProxy, recordsArgumentsFlagsAndIdlDefaults) {
  pledge::TaskRecorder recorder(Planner::kActor);
  pledge::Uuid earlier = pledge::Uuid::random();
  {
    pledge::RecordingScope scope(recorder);
    CalculatorClient calculator;
    pledge::Promise<std::int64_t> sum = calculator.add(1, 2);
    EXPECT_TRUE(sum.isPending());
    calculator.fail("fatal");
    calculator.inspect(pledge::Promise<std::int32_t>::ofTask(earlier),
                       pledge::Promise<std::string>::ofTask(earlier));
  }
  ASSERT_EQ(recorder.tasks().size(), 3u);
  const pledge::TaskSpec& add = recorder.tasks()[0];
  EXPECT_EQ(add.actor, "Calculator#2.1");
  EXPECT_EQ(add.method, "add");
  EXPECT_EQ(add.type, pledge::TaskType::Worker);
  EXPECT_EQ(add.args, (std::vector<pledge::ArgSpec>{pledge::ArgSpec::ofValue(1),
                                                     pledge::ArgSpec::ofValue(2)}));
  EXPECT_TRUE(add.options.empty());

  const pledge::TaskSpec& fail = recorder.tasks()[1];
  EXPECT_EQ(fail.options.taskList, "slow");
  EXPECT_EQ(fail.options.priority, 3);
  EXPECT_EQ(fail.options.timeoutMs, 1500);
  EXPECT_EQ(fail.options.retry,
            (pledge::RetryPolicy{.kind = pledge::RetryKind::Linear, .initialMs = 5, .maxMs = 50,
                                 .maxAttempts = 2, .nonRetryable = {"features::Fatal"}}));

  const pledge::TaskSpec& inspect = recorder.tasks()[2];
  EXPECT_EQ(
      inspect.args[0],
      pledge::ArgSpec::ofPromise(
          earlier, {.noWait = false,
                    .acceptFail = pledge::AcceptFail::ofTypes({"features::Broken", "Other"})}));
  EXPECT_EQ(inspect.args[1], pledge::ArgSpec::ofPromise(earlier, {.noWait = true}));
}

TEST(GeneratedProxy, withOverridesIdlDefaultsAndChains) {
  pledge::TaskRecorder recorder(Planner::kActor);
  {
    pledge::RecordingScope scope(recorder);
    CalculatorClient calculator;
    calculator.with({.startTime = 99, .priority = 10}).with({.taskList = "fast"}).fail("x");
  }
  const pledge::CallOptions& options = recorder.tasks().at(0).options;
  EXPECT_EQ(options.startTime, 99);
  EXPECT_EQ(options.priority, 10);
  EXPECT_EQ(options.taskList, "fast");
  EXPECT_EQ(options.timeoutMs, 1500);
}

TEST(GeneratedProxy, callOutsideADeciderTaskIsAnError) {
  CalculatorClient calculator;
  try {
    calculator.add(1, 2);
    FAIL();
  } catch (const pledge::Error& error) {
    EXPECT_NE(error.message().find("outside a decider task"), std::string::npos);
  }
}

TEST(GeneratedDecider, executeForwardsThePromiseOfItsAsyncCall) {
  pledge::DeciderRuntime runtime(
      Planner::kActor, std::make_unique<PlannerDispatcher>(std::make_unique<PlannerImpl>()));
  pledge::Decision decision =
      runtime.execute(taskFor(Planner::kActor, "plan", {ArgValue::ofValue(4)}));
  ASSERT_FALSE(decision.failed()) << decision.error->message();
  ASSERT_EQ(decision.tasks.size(), 2u);
  const pledge::TaskSpec& add = decision.tasks[0];
  const pledge::TaskSpec& total = decision.tasks[1];
  EXPECT_EQ(add.actor, "Calculator#2.1");
  EXPECT_EQ(total.actor, "Planner#1.0");
  EXPECT_EQ(total.type, pledge::TaskType::Decider);
  EXPECT_EQ(total.method, "total");
  EXPECT_EQ(total.args.at(0), pledge::ArgSpec::ofList({pledge::ArgSpec::ofPromise(add.taskId),
                                                       pledge::ArgSpec::ofValue(4)}));
  EXPECT_EQ(decision.promise, total.taskId);
}

TEST(GeneratedDecider, asyncMethodsRunWithResolvedArguments) {
  pledge::DeciderRuntime runtime(
      Planner::kActor, std::make_unique<PlannerDispatcher>(std::make_unique<PlannerImpl>()));
  pledge::Decision total = runtime.execute(taskFor(
      Planner::kActor, "total", {ArgValue::ofList({ArgValue::ofValue(5), ArgValue::ofValue(4)})}));
  EXPECT_EQ(total.result, 9);
  EXPECT_TRUE(total.tasks.empty());
  pledge::Decision recovered = runtime.execute(
      taskFor(Planner::kActor, "recover", {ArgValue::ofFailure(pledge::TaskError("X", ""))}));
  EXPECT_EQ(recovered.result, -1);
  pledge::Decision passed =
      runtime.execute(taskFor(Planner::kActor, "recover", {ArgValue::ofValue(8)}));
  EXPECT_EQ(passed.result, 8);
}

TEST(GeneratedDecider, asyncProxyRecordsDeciderTasksWithTheirDefaults) {
  pledge::TaskRecorder recorder(Planner::kActor);
  pledge::Uuid producer = pledge::Uuid::random();
  {
    pledge::RecordingScope scope(recorder);
    PlannerAsync self;
    self.recover(pledge::Promise<std::int64_t>::ofTask(producer));
    self.nothing();
  }
  ASSERT_EQ(recorder.tasks().size(), 2u);
  EXPECT_EQ(recorder.tasks()[0].type, pledge::TaskType::Decider);
  EXPECT_EQ(recorder.tasks()[0].options.priority, 7);
  EXPECT_EQ(recorder.tasks()[0].args[0],
            pledge::ArgSpec::ofPromise(producer, {.acceptFail = pledge::AcceptFail::any()}));
  EXPECT_TRUE(recorder.tasks()[1].args.empty());
}

TEST(GeneratedDecider, clientRecordsASubProcessInTheCurrentDecision) {
  pledge::TaskRecorder recorder("Other#1");
  pledge::Promise<std::int64_t> result;
  {
    pledge::RecordingScope scope(recorder);
    result = PlannerClient().with({.taskList = "sub"}).plan(3);
  }
  ASSERT_EQ(recorder.tasks().size(), 1u);
  EXPECT_EQ(recorder.tasks()[0].actor, "Planner#1.0");
  EXPECT_EQ(recorder.tasks()[0].method, "plan");
  EXPECT_EQ(recorder.tasks()[0].type, pledge::TaskType::Decider);
  EXPECT_EQ(recorder.tasks()[0].options.taskList, "sub");
  EXPECT_EQ(result.taskId(), recorder.tasks()[0].taskId);
}

class RecordingStarter final : public pledge::ProcessStarter {
 public:
  pledge::StartedProcess start(const pledge::StartRequest& request) override {
    requests.push_back(request);
    return {.processId = pledge::Uuid::random(), .taskId = pledge::Uuid::random()};
  }
  std::vector<pledge::StartRequest> requests;
};

TEST(GeneratedDecider, starterStartsTheExecuteMethodWithPlainArguments) {
  RecordingStarter starter;
  PlannerStarter planner(starter);
  pledge::StartedProcess started = planner.with({.customId = "c-7", .startTime = 5}).plan(12);
  EXPECT_FALSE(started.processId.isNil());
  ASSERT_EQ(starter.requests.size(), 1u);
  EXPECT_EQ(Json(starter.requests[0]),
            Json({{"actor", "Planner#1.0"}, {"method", "plan"}, {"args", {12}},
                  {"customId", "c-7"}, {"startTime", 5}}));
}

TEST(GeneratedRecording, readsTypedCallsFromRecordedTasks) {
  pledge::DeciderRuntime runtime(
      Planner::kActor, std::make_unique<PlannerDispatcher>(std::make_unique<PlannerImpl>()));
  pledge::Decision decision =
      runtime.execute(taskFor(Planner::kActor, "plan", {ArgValue::ofValue(4)}));
  CalculatorRecording calculator(decision.tasks);
  PlannerRecording planner(decision.tasks);
  ASSERT_EQ(calculator.add().size(), 1u);
  EXPECT_EQ(calculator.add()[0].a.value(), 4);
  EXPECT_EQ(calculator.add()[0].b.value(), 1);
  EXPECT_TRUE(calculator.scale().empty());
  ASSERT_EQ(planner.total().size(), 1u);
  EXPECT_TRUE(planner.total()[0].parts.isList());
  EXPECT_TRUE(planner.plan().empty());
  EXPECT_THROW(planner.total()[0].parts.value(), pledge::Error);
}

TEST(GeneratedEvents, aDeciderRecordsEventWaitsAndTimersOfItsOwn) {
  pledge::DeciderRuntime runtime(
      Planner::kActor, std::make_unique<PlannerDispatcher>(std::make_unique<PlannerImpl>()));
  pledge::Decision decision =
      runtime.execute(taskFor(Planner::kActor, "settle", {ArgValue::ofValue("order-7")}));
  ASSERT_FALSE(decision.failed()) << decision.error->message();
  ASSERT_EQ(decision.tasks.size(), 4u);
  const pledge::TaskSpec& timer = decision.tasks[0];
  EXPECT_EQ(timer.type, pledge::TaskType::Timer);
  EXPECT_EQ(timer.actor, "Planner#1.0");
  EXPECT_EQ(timer.method, "after");
  EXPECT_TRUE(timer.args.empty());
  EXPECT_EQ(timer.options, pledge::CallOptions{.timeoutMs = 1'500});
  const pledge::TaskSpec& poked = decision.tasks[1];
  EXPECT_EQ(poked.type, pledge::TaskType::Event);
  EXPECT_EQ(poked.actor, "Planner#1.0");
  EXPECT_EQ(poked.method, "poked");
  EXPECT_EQ(poked.args, std::vector<pledge::ArgSpec>{pledge::ArgSpec::ofValue("")});
  EXPECT_TRUE(poked.options.empty());
  const pledge::TaskSpec& approved = decision.tasks[2];
  EXPECT_EQ(approved.type, pledge::TaskType::Event);
  EXPECT_EQ(approved.method, "approved");
  EXPECT_EQ(approved.args, std::vector<pledge::ArgSpec>{pledge::ArgSpec::ofValue("order-7")});
  EXPECT_EQ(approved.options, pledge::CallOptions{.timeoutMs = 60'000});
  const pledge::TaskSpec& decide = decision.tasks[3];
  EXPECT_EQ(decide.type, pledge::TaskType::Decider);
  EXPECT_EQ(decide.args.at(0),
            pledge::ArgSpec::ofPromise(
                approved.taskId, {.acceptFail = pledge::AcceptFail::ofTypes({"pledge.Timeout"})}));
  EXPECT_EQ(decision.promise, decide.taskId);
}

TEST(GeneratedEvents, eventPromisesHaveThePayloadTypeJsonWhenNoneIsDeclared) {
  static_assert(std::is_same_v<decltype(std::declval<PlannerEvents>().approved("k")),
                               pledge::Promise<bool>>);
  static_assert(std::is_same_v<decltype(std::declval<PlannerEvents>().moved("k", {})),
                               pledge::Promise<Point>>);
  static_assert(std::is_same_v<decltype(std::declval<PlannerEvents>().poked("k")),
                               pledge::Promise<nlohmann::json>>);
  pledge::TaskRecorder recorder(Planner::kActor);
  const pledge::Uuid order = pledge::Uuid::random();
  {
    pledge::RecordingScope scope(recorder);
    PlannerEvents().moved(pledge::Promise<std::string>::ofTask(order), {.timeoutMs = 5});
  }
  EXPECT_EQ(recorder.tasks().at(0).args.at(0), pledge::ArgSpec::ofPromise(order));
  EXPECT_EQ(recorder.tasks().at(0).options.timeoutMs, 5);
}

TEST(GeneratedEvents, theRecordingListsWaitsApartFromCalls) {
  pledge::DeciderRuntime runtime(
      Planner::kActor, std::make_unique<PlannerDispatcher>(std::make_unique<PlannerImpl>()));
  pledge::Decision decision =
      runtime.execute(taskFor(Planner::kActor, "settle", {ArgValue::ofValue("order-7")}));
  PlannerRecording planner(decision.tasks);
  ASSERT_EQ(planner.events().approved().size(), 1u);
  const PlannerEventsRecording::ApprovedWait& approved = planner.events().approved()[0];
  EXPECT_EQ(approved.key.value(), "order-7");
  EXPECT_EQ(approved.task.options.timeoutMs, 60'000);
  EXPECT_EQ(planner.events().poked().at(0).key.value(), "");
  EXPECT_TRUE(planner.events().moved().empty());
  ASSERT_EQ(planner.decide().size(), 1u);
  EXPECT_TRUE(planner.decide()[0].approved.isPromiseOf(approved.task));
  EXPECT_EQ(planner.decide()[0].approved.acceptFail(),
            pledge::AcceptFail::ofTypes({pledge::kTimeoutError}));
  EXPECT_TRUE(planner.settle().empty());
  ASSERT_EQ(pledge::timersOf(decision.tasks).size(), 1u);
  EXPECT_EQ(pledge::timersOf(decision.tasks)[0]->options.timeoutMs, 1'500);
  EXPECT_EQ(PlannerEventsRecording(decision.tasks).approved().at(0).task, approved.task);
}

TEST(GeneratedEvents, aTimedOutWaitArrivesAsAFailedPromiseWhereAcceptFailSaysSo) {
  pledge::DeciderRuntime runtime(
      Planner::kActor, std::make_unique<PlannerDispatcher>(std::make_unique<PlannerImpl>()));
  const pledge::TaskError timeout(pledge::kTimeoutError, "no event within 60000 ms",
                                  /*retryable=*/false);
  EXPECT_EQ(runtime.execute(taskFor(Planner::kActor, "decide", {ArgValue::ofFailure(timeout)}))
                .result,
            false);
  EXPECT_EQ(
      runtime.execute(taskFor(Planner::kActor, "decide", {ArgValue::ofValue(true)})).result, true);
}

TEST(GeneratedRegistration, registersActorsThatNameAnImplementation) {
  pledge::ActorRegistry registry;
  pledge_register_features(registry);
  EXPECT_EQ(registry.actors(), (std::vector<std::string>{"Calculator#2.1", "Planner#1.0"}));
  const pledge::ActorEntry* planner = registry.find("Planner#1.0");
  ASSERT_NE(planner, nullptr);
  EXPECT_EQ(planner->type, pledge::TaskType::Decider);
  EXPECT_EQ(planner->methods, (std::vector<std::string>{"plan", "total", "recover", "nothing",
                                                       "settle", "decide"}));
  EXPECT_EQ(registry.find("Painter#1.0"), nullptr);
  EXPECT_THROW(pledge_register_features(registry), pledge::Error);
}

TEST(GeneratedTypes, enumUserTypeRoundTripsThroughTheProxy) {
  pledge::TaskRecorder recorder(Planner::kActor);
  {
    pledge::RecordingScope scope(recorder);
    PainterClient().paint(Color::Green);
  }
  EXPECT_EQ(recorder.tasks().at(0).args.at(0), pledge::ArgSpec::ofValue("green"));
  PainterRecording painter(recorder.tasks());
  EXPECT_EQ(painter.paint().at(0).color.value(), Color::Green);
}

}  // namespace
}  // namespace features
