// Workflow definitions (docs/workflows.md): what parseWorkflow accepts, the pointer and words of
// what it refuses, templates and durations.
#include <gtest/gtest.h>

#include "pledge/server/workflow/definition.h"
#include "pledge/server/workflow/templates.h"

namespace pledge::server::workflow {
namespace {

Json simple(const std::string& ref, Json input = Json::object()) {
  return {{"name", ref}, {"taskReferenceName", ref}, {"type", "SIMPLE"},
          {"inputParameters", std::move(input)}};
}

Json workflowOf(Json tasks) {
  return {{"name", "w"}, {"version", 2}, {"inputParameters", {"user", "count"}},
          {"tasks", std::move(tasks)}};
}

// The message parseWorkflow throws for source, "" when it accepts it.
std::string problemOf(const Json& source) {
  try {
    parseWorkflow(source);
    return "";
  } catch (const WorkflowError& error) {
    return error.message();
  }
}

TEST(WorkflowDefinition, readsEveryKindAndIndexesListsAndReferences) {
  Json source = workflowOf({
      simple("a", {{"to", "${workflow.input.user}"}}),
      {{"name", "s"}, {"taskReferenceName", "s"}, {"type", "SWITCH"},
       {"evaluatorType", "value-param"}, {"expression", "v"},
       {"inputParameters", {{"v", "${a.output.kind}"}}},
       {"decisionCases", {{"x/y", Json::array({simple("b")})}}},
       {"defaultCase", Json::array({simple("c")})}},
      {{"name", "f"}, {"taskReferenceName", "f"}, {"type", "FORK_JOIN"},
       {"forkTasks", Json::array({Json::array({simple("d")}), Json::array({simple("e")})})}},
      {{"name", "j"}, {"taskReferenceName", "j"}, {"type", "JOIN"}, {"joinOn", {"d", "e"}}},
      {{"name", "l"}, {"taskReferenceName", "l"}, {"type", "DO_WHILE"},
       {"loopCondition", "$.l['iteration'] < 3"}, {"loopOver", Json::array({simple("g")})}},
      {{"name", "w"}, {"taskReferenceName", "w"}, {"type", "WAIT"},
       {"inputParameters", {{"duration", "1 days 2 hours"}}}},
  });
  source["outputParameters"] = {{"out", "${g.output}"}};
  auto def = parseWorkflow(source);
  EXPECT_EQ(def->actor(), "workflow:w#2");
  EXPECT_EQ(def->tasks.size(), 6U);
  EXPECT_EQ(def->list("/tasks/1/decisionCases/x~1y").at(0).ref, "b");
  EXPECT_EQ(def->list("/tasks/2/forkTasks/1").at(0).ref, "e");
  EXPECT_EQ(def->list("/tasks/4/loopOver").at(0).ref, "g");
  EXPECT_EQ(def->byRef.at("c")->pointer, "/tasks/1/defaultCase/0");
  EXPECT_EQ(def->byRef.at("a")->actor, "a#1");
  EXPECT_EQ(def->byRef.at("a")->method, "execute");
}

TEST(WorkflowDefinition, namesTheFieldOfEveryProblemByItsPointer) {
  EXPECT_EQ(problemOf(Json::array()), ": expected a workflow object, got an array");
  EXPECT_EQ(problemOf({{"tasks", Json::array({simple("a")})}}), "/name: is required");
  EXPECT_EQ(problemOf(workflowOf(Json::array())), "/tasks: must hold at least one task");
  Json unknown = simple("a");
  unknown["type"] = "KAFKA_PUBLISH";
  EXPECT_TRUE(problemOf(workflowOf({simple("z"), unknown}))
                  .starts_with("/tasks/1/type: unknown task type \"KAFKA_PUBLISH\" (supported: "))
      << problemOf(workflowOf({simple("z"), unknown}));
  EXPECT_EQ(problemOf(workflowOf({simple("a"), simple("a")})),
            "/tasks/1/taskReferenceName: \"a\" names another task already");
  EXPECT_EQ(problemOf(workflowOf({simple("a", {{"x", "${mail.output.id}"}})})),
            "/tasks/0/inputParameters/x: ${mail.output.id}: no task has the reference name "
            "\"mail\"");
  EXPECT_EQ(problemOf(workflowOf({simple("a", {{"x", {{"deep", {"${a.outptu}"}}}}})})),
            "/tasks/0/inputParameters/x/deep/0: ${a.outptu}: \"outptu\" is not a field of a task");
  EXPECT_EQ(problemOf(workflowOf({simple("a", {{"x", "hi ${workflow.input.usr}"}})})),
            "/tasks/0/inputParameters/x: ${workflow.input.usr}: \"usr\" is not one of the "
            "workflow's inputParameters");
  EXPECT_TRUE(problemOf(workflowOf({simple("a", {{"x", "${a..b}"}})}))
                  .starts_with("/tasks/0/inputParameters/x: ${a..b}: an empty key"));
}

TEST(WorkflowDefinition, refusesTasksThatCannotRun) {
  Json fork = {{"name", "f"}, {"taskReferenceName", "f"}, {"type", "FORK_JOIN"},
               {"forkTasks", Json::array({Json::array({simple("d")})})}};
  EXPECT_EQ(problemOf(workflowOf({fork, simple("x")})),
            "/tasks/0: a FORK_JOIN must be followed by a JOIN in the same list");
  Json join = {{"name", "j"}, {"taskReferenceName", "j"}, {"type", "JOIN"}, {"joinOn", {"nope"}}};
  EXPECT_EQ(problemOf(workflowOf({fork, join})),
            "/tasks/1/joinOn/0: no task has the reference name \"nope\"");
  Json decide = {{"name", "s"}, {"taskReferenceName", "s"}, {"type", "SWITCH"},
                 {"evaluatorType", "value-param"}, {"expression", "v"},
                 {"decisionCases", {{"a", Json::array({{{"name", "x"}, {"type", "SIMPLE"}}})}}}};
  EXPECT_EQ(problemOf(workflowOf({decide})),
            "/tasks/0/decisionCases/a/0/taskReferenceName: is required");
  decide["decisionCases"] = {{"a", Json::array({simple("b")})}};
  EXPECT_EQ(problemOf(workflowOf({decide})),
            "/tasks/0/expression: \"v\" is not one of the task's inputParameters");
  Json script = {{"name", "i"}, {"taskReferenceName", "i"}, {"type", "INLINE"},
                 {"inputParameters", {{"evaluatorType", "javascript"}}}};
  EXPECT_EQ(problemOf(workflowOf({script})), "/tasks/0/inputParameters/expression: is required");
  Json wait = {{"name", "w"}, {"taskReferenceName", "w"}, {"type", "WAIT"},
               {"inputParameters", {{"duration", "soon"}}}};
  EXPECT_TRUE(problemOf(workflowOf({wait})).starts_with("/tasks/0/inputParameters/duration: "));
  Json end = {{"name", "t"}, {"taskReferenceName", "t"}, {"type", "TERMINATE"},
              {"inputParameters", {{"terminationStatus", "DONE"}}}};
  EXPECT_TRUE(problemOf(workflowOf({end})).starts_with(
      "/tasks/0/inputParameters/terminationStatus: expected \"COMPLETED\""));
  Json sub = {{"name", "s"}, {"taskReferenceName", "s"}, {"type", "SUB_WORKFLOW"},
              {"subWorkflowParam", {{"version", 1}}}};
  EXPECT_EQ(problemOf(workflowOf({sub})), "/tasks/0/subWorkflowParam/name: is required");
  Json badActor = simple("a");
  badActor["actor"] = "NoVersion";
  EXPECT_TRUE(problemOf(workflowOf({badActor})).starts_with("/tasks/0/actor: expected"));
  Json badVersion = workflowOf({simple("a")});
  badVersion["version"] = 0;
  EXPECT_TRUE(problemOf(badVersion).starts_with("/version: expected a version number"));
}

TEST(WorkflowDefinition, readsConductorsOlderDecisionAsASwitch) {
  Json byValue = {{"name", "d"}, {"taskReferenceName", "d"}, {"type", "DECISION"},
                  {"caseValueParam", "kind"}, {"inputParameters", {{"kind", "x"}}},
                  {"decisionCases", {{"a", Json::array({simple("b")})}}}};
  Json byScript = {{"name", "e"}, {"taskReferenceName", "e"}, {"type", "DECISION"},
                   {"caseExpression", "$.n > 1 ? 'big' : 'small'"},
                   {"decisionCases", {{"big", Json::array({simple("f")})}}}};
  auto def = parseWorkflow(workflowOf({byValue, byScript}));
  EXPECT_EQ(def->byRef.at("d")->kind, TaskKind::Switch);
  EXPECT_EQ(def->byRef.at("d")->evaluatorType, "value-param");
  EXPECT_EQ(def->byRef.at("d")->expression, "kind");
  EXPECT_EQ(def->byRef.at("e")->evaluatorType, "javascript");
  EXPECT_EQ(def->list("/tasks/1/decisionCases/big").at(0).ref, "f");
}

TEST(WorkflowDefinition, checksTheUrlOfAnHttpTaskUnlessATemplateMakesIt) {
  Json call = {{"name", "h"}, {"taskReferenceName", "h"}, {"type", "HTTP"},
               {"inputParameters", {{"http_request", {{"uri", "ftp://x"}}}}}};
  EXPECT_TRUE(problemOf(workflowOf({call}))
                  .starts_with("/tasks/0/inputParameters/http_request/uri: expected an http"));
  call["inputParameters"]["http_request"]["uri"] = "${workflow.input.user}/hook";
  EXPECT_EQ(problemOf(workflowOf({call})), "");
  call["inputParameters"].erase("http_request");
  EXPECT_TRUE(problemOf(workflowOf({call})).starts_with("/tasks/0/inputParameters/http_request:"));
}

TEST(WorkflowDefinition, ignoresConductorFieldsItDoesNotUse) {
  Json task = simple("a");
  task["startDelay"] = 0;
  task["asyncComplete"] = false;
  Json source = workflowOf({task});
  source["schemaVersion"] = 2;
  source["ownerEmail"] = "ops@example.com";
  EXPECT_EQ(problemOf(source), "");
}

TEST(WorkflowTemplates, replaceWholeValuesAndTextAndReadNullForWhatIsMissing) {
  const Json scope = {{"workflow", {{"input", {{"user", "ann"}, {"n", 3}}}}},
                      {"a", {{"output", {{"items", {{{"id", 7}}, {{"id", 8}}}}}}}}};
  EXPECT_EQ(resolveTemplates("${workflow.input.n}", scope), 3);
  EXPECT_EQ(resolveTemplates("${a.output.items[1].id}", scope), 8);
  EXPECT_EQ(resolveTemplates("${a.output.items}", scope), scope["a"]["output"]["items"]);
  EXPECT_EQ(resolveTemplates("hi ${workflow.input.user}, n=${workflow.input.n}", scope),
            "hi ann, n=3");
  EXPECT_EQ(resolveTemplates(Json{{"x", {"${a.output.nope}", 1}}}, scope),
            (Json{{"x", {nullptr, 1}}}));
  EXPECT_EQ(resolveTemplates("${a.output.items[9].id}", scope), nullptr);
  EXPECT_EQ(templatesIn(Json{{"a", {"x", "${b.output} and ${c.input}"}}}).size(), 2U);
}

TEST(WorkflowTemplates, readDurationsAsConductorWritesThem) {
  EXPECT_EQ(parseDurationMs("30s"), 30'000);
  EXPECT_EQ(parseDurationMs("10 m"), 600'000);
  EXPECT_EQ(parseDurationMs("1 days 2 hours"), 93'600'000);
  EXPECT_EQ(parseDurationMs("250ms"), 250);
  EXPECT_EQ(parseDurationMs(5), 5'000);
  EXPECT_EQ(parseDurationMs("soon"), std::nullopt);
  EXPECT_EQ(parseDurationMs(""), std::nullopt);
  EXPECT_EQ(parseDurationMs(-1), std::nullopt);
}

TEST(WorkflowTemplates, tellWorkflowActorsApart) {
  EXPECT_EQ(workflowOfActor("workflow:notify#3"), (std::pair<std::string, int>{"notify", 3}));
  EXPECT_EQ(workflowOfActor("workflow:notify"), std::nullopt);
  EXPECT_EQ(workflowOfActor("workflow:a#x"), std::nullopt);
  EXPECT_EQ(workflowOfActor("Mailer#1.0"), std::nullopt);
}

TEST(WorkflowDefinition, mapsConductorsTimeoutsToADeadlineAndScheduleToStart) {
  Json source = workflowOf({simple("a"), simple("b")});
  source["tasks"][0]["pollTimeoutSeconds"] = 30;
  source["tasks"][1]["pollTimeoutSeconds"] = 30;
  source["tasks"][1]["options"] = {{"scheduleToStartMs", 500}};  // the task's own options win
  source["timeoutSeconds"] = 3600;
  source["timeoutPolicy"] = "TIME_OUT_WF";
  auto def = parseWorkflow(source);
  EXPECT_EQ(def->deadlineMs, 3'600'000);
  EXPECT_EQ(def->tasks[0].options.scheduleToStartMs, 30'000);
  EXPECT_EQ(def->tasks[1].options.scheduleToStartMs, 500);

  source["timeoutPolicy"] = "ALERT_ONLY";  // Conductor only alerts: no deadline
  EXPECT_FALSE(parseWorkflow(source)->deadlineMs.has_value());
  source.erase("timeoutPolicy");
  EXPECT_FALSE(parseWorkflow(source)->deadlineMs.has_value());
  source["timeoutPolicy"] = "RETRY";
  EXPECT_NE(problemOf(source).find("/timeoutPolicy"), std::string::npos) << problemOf(source);
  source["timeoutPolicy"] = "TIME_OUT_WF";
  source["tasks"][0]["pollTimeoutSeconds"] = -1;
  EXPECT_NE(problemOf(source).find("/tasks/0/pollTimeoutSeconds"), std::string::npos)
      << problemOf(source);
}

}  // namespace
}  // namespace pledge::server::workflow
