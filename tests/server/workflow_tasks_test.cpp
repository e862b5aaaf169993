// Every system task of workflows on the engine (docs/workflows.md), for each store.
#include "workflow_fixture.h"

namespace pledge::server::workflow::testing {
namespace {

class WorkflowTasks : public WorkflowFixture {};

INSTANTIATE_TEST_SUITE_P(Stores, WorkflowTasks, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(WorkflowTasks, simpleTasksGetTheirInputsAndScriptsSwitchesAndVariablesShapeTheOutput) {
  handle("Greeter#1.0", "greet", [](const PolledTask& t) {
    return Json("Hello, " + t.args.at(0).value.get<std::string>());
  });
  handle("lookup#1", "execute", [](const PolledTask& t) {
    return Json{{"user", arg0(t)["id"]}, {"lang", "fr"}};
  });
  const Json definition = workflow(
      "greet",
      {task("lookup", "SIMPLE", {{"inputParameters", {{"id", "${workflow.input.id}"}}}}),
       task("hello", "SIMPLE",
            {{"actor", "Greeter#1.0"}, {"method", "greet"}, {"args", {"${lookup.output.user}"}}}),
       task("shout", "INLINE",
            {{"inputParameters",
              {{"evaluatorType", "javascript"}, {"expression", "$.text.toUpperCase()"},
               {"text", "${hello.output}"}}}}),
       task("pick", "SWITCH",
            {{"evaluatorType", "javascript"}, {"expression", "$.lang == 'fr' ? 'fr' : 'other'"},
             {"inputParameters", {{"lang", "${lookup.output.lang}"}}},
             {"decisionCases",
              {{"fr", {task("fr", "SET_VARIABLE", {{"inputParameters", {{"hi", "Bonjour"}}}})}}}},
             {"defaultCase", {task("en", "SET_VARIABLE", {{"inputParameters", {{"hi", "Hi"}}}})}}}),
       task("sum", "JSON_JQ_TRANSFORM",
            {{"inputParameters", {{"queryExpression", "[.xs[] * 2] | add"}, {"xs", {1, 2, 3}}}}})},
      {{"shout", "${shout.output.result}"},
       {"hi", "${workflow.variables.hi}"},
       {"case", "${pick.output.evaluationResult[0]}"},
       {"sum", "${sum.output.result}"},
       {"text", "${workflow.input.id} says ${hello.output}"}});
  const ProcessInfo done = run(definition, {{"id", "ann"}});
  ASSERT_EQ(done.state, ProcessState::Completed) << (done.error ? done.error->message() : "");
  EXPECT_EQ(done.result, (Json{{"shout", "HELLO, ANN"}, {"hi", "Bonjour"}, {"case", "fr"},
                               {"sum", 12}, {"text", "ann says Hello, ann"}}));
}

TEST_P(WorkflowTasks, forksRunSideBySideAndTheirJoinCollectsTheLastTaskOfEachBranch) {
  handle("double#1", "execute", [](const PolledTask& t) { return Json(arg0(t)["x"].get<int>() * 2); });
  const Json definition = workflow(
      "fork",
      {task("fork", "FORK_JOIN",
            {{"forkTasks",
              {{task("a", "SIMPLE", {{"name", "double"}, {"inputParameters", {{"x", 1}}}})},
               {task("b", "SIMPLE", {{"name", "double"}, {"inputParameters", {{"x", 10}}}}),
                task("c", "INLINE", {{"inputParameters",
                                      {{"evaluatorType", "javascript"},
                                       {"expression", "$.b + 1"},
                                       {"b", "${b.output}"}}}})}}}}),
       task("join", "JOIN", {{"joinOn", {"a", "c"}}})},
      {{"joined", "${join.output}"}, {"b", "${b.output}"}});
  const ProcessInfo done = run(definition, Json::object());
  ASSERT_EQ(done.state, ProcessState::Completed);
  EXPECT_EQ(done.result, (Json{{"joined", {{"a", 2}, {"c", {{"result", 21}}}}}, {"b", 20}}));
}

TEST_P(WorkflowTasks, aDynamicForkRunsOneTaskPerListedItem) {
  handle("square#1", "execute", [](const PolledTask& t) { return Json(arg0(t)["n"].get<int>() * arg0(t)["n"].get<int>()); });
  const Json definition = workflow(
      "dyn",
      {task("plan", "INLINE",
            {{"inputParameters",
              {{"evaluatorType", "javascript"},
               {"expression",
                "var t = [], i = {}; for (var n = 1; n <= $.count; n++) { "
                "t.push({name: 'square', taskReferenceName: 'sq' + n}); i['sq' + n] = {n: n}; } "
                "({tasks: t, inputs: i})"},
               {"count", "${workflow.input.count}"}}}}),
       task("fan", "FORK_JOIN_DYNAMIC",
            {{"dynamicForkTasksParam", "tasks"},
             {"dynamicForkTasksInputParamName", "inputs"},
             {"inputParameters",
              {{"tasks", "${plan.output.result.tasks}"}, {"inputs", "${plan.output.result.inputs}"}}}}),
       task("join", "JOIN")},
      {{"squares", "${join.output}"}});
  const ProcessInfo done = run(definition, {{"count", 4}});
  ASSERT_EQ(done.state, ProcessState::Completed) << (done.error ? done.error->message() : "");
  EXPECT_EQ(done.result, (Json{{"squares", {{"sq1", 1}, {"sq2", 4}, {"sq3", 9}, {"sq4", 16}}}}));
}

TEST_P(WorkflowTasks, aDoWhileRunsItsTasksAgainWhileItsConditionHolds) {
  std::atomic<int> calls{0};
  handle("tick#1", "execute", [&](const PolledTask& t) {
    ++calls;
    return Json{{"seen", arg0(t)["i"]}};
  });
  const Json definition = workflow(
      "loop",
      {task("loop", "DO_WHILE",
            {{"loopCondition", "$.loop['iteration'] < $.times"},
             {"inputParameters", {{"times", "${workflow.input.times}"}}},
             {"loopOver", {task("tick", "SIMPLE",
                                {{"inputParameters", {{"i", "${loop.output.iteration}"}}}})}}})},
      {{"last", "${tick.output.seen}"}, {"iterations", "${loop.output.iteration}"}});
  const ProcessInfo done = run(definition, {{"times", 3}});
  ASSERT_EQ(done.state, ProcessState::Completed) << (done.error ? done.error->message() : "");
  EXPECT_EQ(done.result, (Json{{"last", 3}, {"iterations", 3}}));
  EXPECT_EQ(calls, 3);
}

TEST_P(WorkflowTasks, aSubWorkflowAndACodeFirstDeciderRunInTheSameProcess) {
  handle("echo#1", "execute", [](const PolledTask& t) { return arg0(t); });
  handle("Summer#1.0", "start", [](const PolledTask& t) {  // a decider that answers at once
    return Json(t.args.at(0).value.get<int>() + t.args.at(1).value.get<int>());
  });
  add(workflow("child", {task("echo", "SIMPLE", {{"inputParameters", {{"v", "${workflow.input.v}"}}}})},
               {{"got", "${echo.output.v}"}}));
  const Json definition = workflow(
      "parent",
      {task("sub", "SUB_WORKFLOW",
            {{"subWorkflowParam", {{"name", "child"}}}, {"inputParameters", {{"v", 41}}}}),
       task("code", "SUB_WORKFLOW",
            {{"subWorkflowParam", {{"actor", "Summer#1.0"}, {"method", "start"}}},
             {"args", {"${sub.output.got}", 1}}})},
      {{"child", "${sub.output}"}, {"sum", "${code.output}"}});
  const ProcessInfo done = run(definition, Json::object());
  ASSERT_EQ(done.state, ProcessState::Completed) << (done.error ? done.error->message() : "");
  EXPECT_EQ(done.result, (Json{{"child", {{"got", 41}}}, {"sum", 42}}));
}

TEST_P(WorkflowTasks, waitsForADurationAnEventAndAHumanAndTimesOutAnOptionalOne) {
  const Json definition = workflow(
      "waits",
      {task("nap", "WAIT", {{"inputParameters", {{"duration", "150ms"}}}}),
       task("approval", "WAIT",
            {{"inputParameters", {{"event", "approved"}, {"key", "${workflow.input.order}"}}}}),
       task("review", "HUMAN"),
       task("late", "WAIT",
            {{"optional", true},
             {"inputParameters", {{"event", "never"}, {"timeout", "200ms"}}}})},
      {{"approval", "${approval.output}"}, {"review", "${review.output}"},
       {"late", "${late.status}"}});
  add(definition);
  const Uuid process = start("workflow:waits#1", {{"order", "o-7"}});
  awaitListening(process);
  send("approved", "o-7", {{"by", "bob"}});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  awaitListening(process);
  send("review", "", "looks good", process);
  const ProcessInfo done = awaitEnd(process);
  ASSERT_EQ(done.state, ProcessState::Completed) << (done.error ? done.error->message() : "");
  EXPECT_EQ(done.result, (Json{{"approval", {{"by", "bob"}}}, {"review", "looks good"},
                               {"late", "TIMED_OUT"}}));
}

TEST_P(WorkflowTasks, anEventTaskWakesAnotherWorkflowWaitingForIt) {
  add(workflow("listener", {task("wait", "WAIT", {{"inputParameters",
                                                   {{"event", "go"}, {"key", "k1"}}}})},
               {{"got", "${wait.output.n}"}}));
  const Uuid listener = start("workflow:listener#1", Json::object());
  awaitListening(listener);
  const ProcessInfo sender = run(
      workflow("sender", {task("send", "EVENT", {{"sink", "pledge:go"},
                                                 {"inputParameters", {{"key", "k1"}, {"n", 5}}}})},
               {{"sent", "${send.output.resolved}"}}),
      Json::object());
  ASSERT_EQ(sender.state, ProcessState::Completed) << (sender.error ? sender.error->message() : "");
  EXPECT_EQ(sender.result, (Json{{"sent", 1}}));
  EXPECT_EQ(awaitEnd(listener).result, (Json{{"got", 5}}));
}

TEST_P(WorkflowTasks, terminateEndsTheWorkflowWithItsOutputOrBreaksItWithItsReason) {
  const Json early = workflow(
      "early", {task("stop", "TERMINATE", {{"inputParameters",
                                            {{"terminationStatus", "COMPLETED"},
                                             {"workflowOutput", {{"why", "${workflow.input.w}"}}}}}}),
                task("never", "SIMPLE")});
  const ProcessInfo completed = run(early, {{"w", "done early"}});
  ASSERT_EQ(completed.state, ProcessState::Completed);
  EXPECT_EQ(completed.result, (Json{{"why", "done early"}}));
  const ProcessInfo failed = run(
      workflow("failing", {task("stop", "TERMINATE", {{"inputParameters",
                                                       {{"terminationStatus", "FAILED"},
                                                        {"terminationReason", "no stock"}}}})}),
      Json::object());
  ASSERT_EQ(failed.state, ProcessState::Broken);
  EXPECT_EQ(failed.error->type(), "pledge.Terminated");
  EXPECT_NE(failed.error->message().find("no stock"), std::string::npos);
}

}  // namespace
}  // namespace pledge::server::workflow::testing

namespace pledge::server::workflow::testing {
namespace {

TEST_P(WorkflowTasks, aVersionIsRegisteredOnceAndNeverChanges) {
  const Json first = workflow("versions", {task("a", "SIMPLE")});
  EXPECT_TRUE(runner_->registerWorkflow(first, 10).created);
  EXPECT_FALSE(runner_->registerWorkflow(first, 20).created);  // the same again: no change
  Json changed = first;
  changed["tasks"][0]["name"] = "b";
  try {
    runner_->registerWorkflow(changed, 30);
    FAIL() << "a changed version 1 was taken";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Conflict);
    EXPECT_NE(std::string(error.what()).find("as version 2 or higher"), std::string::npos);
  }
  changed["version"] = 2;
  EXPECT_TRUE(runner_->registerWorkflow(changed, 40).created);
  EXPECT_EQ(runner_->find("versions", std::nullopt)->version, 2);
  EXPECT_EQ(runner_->find("versions", 1)->tasks.at(0).name, "a");
  EXPECT_EQ(runner_->find("nothing", std::nullopt), nullptr);
  std::vector<WorkflowRow> rows = runner_->list();
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].version, 2);
  EXPECT_EQ(rows[0].createdAt, 10);
}

}  // namespace
}  // namespace pledge::server::workflow::testing

#include "recording_server.h"

namespace pledge::server::workflow::testing {
namespace {

TEST_P(WorkflowTasks, anHttpTaskCallsAServiceAndFailsOnAnAnswerThatIsNot2xx) {
  ::pledge::testing::RecordingServer service;
  service.answer("/hooks/order", R"({"accepted":true,"ticket":7})", 201);
  const Json definition = workflow(
      "http",
      {task("call", "HTTP",
            {{"inputParameters",
              {{"http_request",
                {{"uri", "${workflow.input.url}/hooks/order"},
                 {"method", "POST"},
                 {"headers", {{"X-Order", "${workflow.input.order}"}}},
                 {"body", {{"order", "${workflow.input.order}"}, {"qty", 2}}}}}}}})},
      {{"status", "${call.output.response.statusCode}"},
       {"ticket", "${call.output.response.body.ticket}"}});
  const ProcessInfo done = run(definition, {{"url", service.url()}, {"order", "o-1"}});
  ASSERT_EQ(done.state, ProcessState::Completed) << (done.error ? done.error->message() : "");
  EXPECT_EQ(done.result, (Json{{"status", 201}, {"ticket", 7}}));
  ASSERT_EQ(service.bodies("/hooks/order").size(), 1U);
  EXPECT_EQ(parseJson(service.bodies("/hooks/order")[0]), (Json{{"order", "o-1"}, {"qty", 2}}));

  Json missing = definition;
  missing["name"] = "http404";
  missing["tasks"][0]["inputParameters"]["http_request"]["uri"] = "${workflow.input.url}/nothing";
  const ProcessInfo broken = run(missing, {{"url", service.url()}, {"order", "o-2"}});
  ASSERT_EQ(broken.state, ProcessState::Broken);
  EXPECT_EQ(broken.error->type(), "pledge.HttpStatus");
  EXPECT_NE(broken.error->message().find("answered 404"), std::string::npos)
      << broken.error->message();
}

}  // namespace
}  // namespace pledge::server::workflow::testing
