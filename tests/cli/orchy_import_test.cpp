// importOrchy: Orchy's README workflow converts to the checked-in Conductor JSON; each action
// kind, converging branches, and the pointer of each refused input; pledge workflow import run
// as the real binary.
#include "orchy_import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_run.h"
#include "server_process.h"

namespace pledge::cli {
namespace {

const std::string kNotification =
    std::string(PLEDGE_SOURCE_DIR) + "/examples/workflows/notification";

Json readJsonFile(const std::string& path) { return parseJson(testing::readFile(path)); }

// An Orchy workflow of these actions, starting at the first one.
Json workflowOf(const std::string& actions) {
  Json workflow = parseJson(R"({"name": "w", "actions": )" + actions + "}");
  workflow["rootAction"] = workflow["actions"][0]["id"];
  return workflow;
}

// The message importOrchy refuses with; "" when it converts.
std::string refusal(const Json& orchy) {
  try {
    importOrchy(orchy);
  } catch (const OrchyImportError& error) {
    return error.what();
  }
  return "";
}

// The same, for a workflow of these actions.
std::string refusalOf(const std::string& actions) { return refusal(workflowOf(actions)); }

TEST(OrchyImport, theReadmeNotificationWorkflowConvertsToTheCheckedInConductorJson) {
  const Json converted = importOrchy(readJsonFile(kNotification + "/orchy.json"));
  EXPECT_EQ(converted, readJsonFile(kNotification + "/workflow.json")) << converted.dump(2);
}

TEST(OrchyImport, userActionsAreSimpleTasksWithTemplatesForTheirParameters) {
  const Json tasks = importOrchy(workflowOf(R"([
    {"id": 1, "type": "user", "name": "load-user", "parameters": {"id": "$.input.user.id"},
     "next": {"default": [2]}},
    {"id": 2, "type": "USER", "name": "notify", "parameters": {
      "phone": "$.1.output.phones[0]", "all": "$.1.output", "input": "$.input",
      "n": 7, "text": "hi", "nested": {"to": "$.1.output.email"},
      "list": ["$.input.a", ["b", ["c"]]], "none": []}}])"))["tasks"];
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0], parseJson(R"({"name": "load-user", "taskReferenceName": "load_user_1",
    "type": "SIMPLE", "inputParameters": {"id": "${workflow.input.user.id}"}})"));
  EXPECT_EQ(tasks[1]["inputParameters"], parseJson(R"({
    "phone": "${load_user_1.output.phones[0]}", "all": "${load_user_1.output}",
    "input": "${workflow.input}", "n": 7, "text": "hi",
    "nested": {"to": "${load_user_1.output.email}"},
    "list": ["${workflow.input.a}", "b", "c"], "none": null})"));
}

TEST(OrchyImport, workflowInputParametersAreTheInputNamesTheActionsRead) {
  const Json workflow = importOrchy(workflowOf(R"([{"id": 1, "type": "user", "name": "u",
    "parameters": {"a": "$.input.zeta", "b": "$.input.alpha.x", "c": "$.input"}}])"));
  EXPECT_EQ(workflow["inputParameters"], parseJson(R"(["alpha", "zeta"])"));
  EXPECT_EQ(workflow["name"], "w");
  EXPECT_EQ(workflow["schemaVersion"], 2);
  EXPECT_EQ(workflow["version"], 1);
}

TEST(OrchyImport, javascriptAndJsonmapperActionsAreInlineTasksReadThroughResult) {
  const Json tasks = importOrchy(workflowOf(R"([
    {"id": 1, "type": "user", "name": "u", "next": {"default": [2]}},
    {"id": 2, "type": "system", "name": "javascript", "expression": "$['x'] = 1;",
     "next": {"default": [3]}},
    {"id": 3, "type": "system", "name": "jsonmapper", "parameters": {"x": "$.2.output.x"},
     "next": {"default": [4]}},
    {"id": 4, "type": "user", "name": "v", "parameters": {"y": "$.3.output.x"}}])"))["tasks"];
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_EQ(tasks[1], parseJson(R"j({"name": "javascript", "taskReferenceName": "javascript_2",
    "type": "INLINE", "inputParameters": {"evaluatorType": "javascript",
      "expression": "(function ($) {\n$['x'] = 1;\nreturn $;\n})($.context)",
      "context": {"input": "${workflow.input}", "1": {"output": "${u_1.output}"}}}})j"));
  EXPECT_EQ(tasks[2], parseJson(R"({"name": "jsonmapper", "taskReferenceName": "jsonmapper_3",
    "type": "INLINE", "inputParameters": {"evaluatorType": "javascript",
      "expression": "$.mapped", "mapped": {"x": "${javascript_2.output.result.x}"}}})"));
  EXPECT_EQ(tasks[3]["inputParameters"]["y"], "${jsonmapper_3.output.result.x}");
}

TEST(OrchyImport, aDelayIsAWaitForADurationAndAWaitForAnEventIsFollowedByASwitchOnItsStatus) {
  const Json tasks = importOrchy(workflowOf(R"([
    {"id": 1, "type": "system", "name": "delay", "delaySeconds": 1, "next": {"default": [2]}},
    {"id": 2, "type": "system", "name": "wait", "event": "paid", "timeoutSeconds": 90,
     "next": {"paid": [3], "default": [4]}},
    {"id": 3, "type": "user", "name": "ship"},
    {"id": 4, "type": "user", "name": "cancel"}])"))["tasks"];
  EXPECT_EQ(tasks, parseJson(R"([
    {"name": "delay", "taskReferenceName": "delay_1", "type": "WAIT",
     "inputParameters": {"duration": "1 second"}},
    {"name": "wait", "taskReferenceName": "wait_2", "type": "WAIT", "optional": true,
     "inputParameters": {"event": "paid", "key": "${workflow.workflowId}",
                         "timeout": "90 seconds"}},
    {"name": "wait_outcome", "taskReferenceName": "wait_2_outcome", "type": "SWITCH",
     "evaluatorType": "value-param", "expression": "status",
     "inputParameters": {"status": "${wait_2.status}"},
     "decisionCases": {"COMPLETED": [{"name": "ship", "taskReferenceName": "ship_3",
                                      "type": "SIMPLE", "inputParameters": {}}]},
     "defaultCase": [{"name": "cancel", "taskReferenceName": "cancel_4", "type": "SIMPLE",
                      "inputParameters": {}}]}])"));
}

TEST(OrchyImport, aWaitWithoutTimeoutWaitsForeverAndOneWhoseOutcomesMeetHasNoSwitch) {
  const Json tasks = importOrchy(workflowOf(R"([
    {"id": 1, "type": "system", "name": "wait", "event": "go", "next": {"go": [2], "default": [2]}},
    {"id": 2, "type": "user", "name": "u"}])"))["tasks"];
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0]["inputParameters"], parseJson(R"({"event": "go",
    "key": "${workflow.workflowId}"})"));
  EXPECT_EQ(tasks[1]["taskReferenceName"], "u_2");
}

TEST(OrchyImport, aSwitchOnIntegerCasesTruncatesNumbersAsOrchyDoes) {
  const Json tasks = importOrchy(workflowOf(R"([
    {"id": 1, "type": "user", "name": "u", "next": {"default": [2]}},
    {"id": 2, "type": "system", "name": "switch", "expression": "$.1.output.code",
     "next": {"200": [3], "default": [4]}},
    {"id": 3, "type": "user", "name": "ok"}, {"id": 4, "type": "user", "name": "ko"}])"))["tasks"];
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[1]["evaluatorType"], "javascript");
  EXPECT_EQ(tasks[1]["expression"],
            "(function (v) { return typeof v === 'number' ? String(Math.trunc(v)) : v; })"
            "($.switchCaseValue)");
  EXPECT_EQ(tasks[1]["inputParameters"]["switchCaseValue"], "${u_1.output.code}");
  EXPECT_EQ(tasks[1]["decisionCases"]["200"][0]["taskReferenceName"], "ok_3");
  EXPECT_EQ(tasks[1]["defaultCase"][0]["taskReferenceName"], "ko_4");
}

TEST(OrchyImport, branchesThatAllMeetContinueAfterTheSwitchOnce) {
  const Json tasks = importOrchy(workflowOf(R"([
    {"id": 1, "type": "user", "name": "u", "next": {"default": [2]}},
    {"id": 2, "type": "system", "name": "switch", "expression": "$.1.output.k",
     "next": {"a": [3], "b": [5], "default": [4]}},
    {"id": 3, "type": "user", "name": "a", "next": {"default": [5]}},
    {"id": 4, "type": "user", "name": "d", "next": {"default": [5]}},
    {"id": 5, "type": "user", "name": "tail", "parameters": {"x": "$.3.output.x"}}])"))["tasks"];
  ASSERT_EQ(tasks.size(), 3u) << tasks.dump(2);
  EXPECT_EQ(tasks[1]["evaluatorType"], "value-param");
  EXPECT_EQ(tasks[1]["expression"], "switchCaseValue");
  EXPECT_EQ(tasks[1]["decisionCases"], parseJson(R"({"a": [{"name": "a",
    "taskReferenceName": "a_3", "type": "SIMPLE", "inputParameters": {}}], "b": []})"));
  EXPECT_EQ(tasks[1]["defaultCase"][0]["taskReferenceName"], "d_4");
  // A branch's action may or may not have run: its output is null when it did not.
  EXPECT_EQ(tasks[2]["inputParameters"], parseJson(R"({"x": "${a_3.output.x}"})"));
}

TEST(OrchyImport, branchesThatMeetOnlyInSomeCasesCopyTheCommonActionsWithSuffixes) {
  // No default: an unmatched value ends the workflow in Orchy, so 4 cannot follow the SWITCH.
  const Json tasks = importOrchy(workflowOf(R"([
    {"id": 1, "type": "system", "name": "switch", "expression": "$.input.k",
     "next": {"a": [2], "b": [3]}},
    {"id": 2, "type": "user", "name": "a", "next": {"default": [4]}},
    {"id": 3, "type": "user", "name": "b", "next": {"default": [4]}},
    {"id": 4, "type": "user", "name": "common", "next": {"default": [5]}},
    {"id": 5, "type": "user", "name": "last", "parameters": {"c": "$.4.output"}}])"))["tasks"];
  ASSERT_EQ(tasks.size(), 1u) << tasks.dump(2);
  const Json& cases = tasks[0]["decisionCases"];
  EXPECT_EQ(tasks[0]["defaultCase"], Json::array());
  ASSERT_EQ(cases["a"].size(), 3u);
  ASSERT_EQ(cases["b"].size(), 3u);
  EXPECT_EQ(cases["a"][1]["taskReferenceName"], "common_4");
  EXPECT_EQ(cases["b"][1]["taskReferenceName"], "common_4_2");
  EXPECT_EQ(cases["a"][2]["inputParameters"]["c"], "${common_4.output}");
  EXPECT_EQ(cases["b"][2]["inputParameters"]["c"], "${common_4_2.output}");
  EXPECT_EQ(cases["b"][2]["taskReferenceName"], "last_5_2");
}

TEST(OrchyImport, refusesMalformedWorkflowsNamingThePointerOfTheField) {
  EXPECT_EQ(refusal(Json::array()), "expected an Orchy workflow (an object), got an array");
  EXPECT_EQ(refusal(parseJson(R"({"rootAction": 1, "actions": []})")), "/name: missing");
  EXPECT_EQ(refusal(parseJson(R"({"name": "w", "actions": [{"id": 1, "type": "user",
    "name": "u"}]})")),
            "/rootAction: missing");
  EXPECT_EQ(refusal(parseJson(R"({"name": "w", "rootAction": 9, "actions": [{"id": 1,
    "type": "user", "name": "u"}]})")),
            "/rootAction: no action has id 9");
  EXPECT_EQ(refusal(parseJson(R"({"name": "w", "rootAction": 1, "actions": [], "x/y": 1})")),
            "/x~1y: an Orchy workflow has no field \"x/y\"");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "user", "name": "u", "next": {"default": [2]}},
    {"id": 2, "name": "v"}])"),
            "/actions/1/type: missing");
  EXPECT_EQ(refusal(parseJson(R"({"name": "w", "rootAction": 1, "actions": [{"id": "1",
    "type": "user", "name": "u"}]})")),
            "/actions/0/id: expected an integer, got the string \"1\"");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "user", "name": "u"}, {"id": 1, "type": "user",
    "name": "v"}])"),
            "/actions/1/id: duplicate id 1 (also /actions/0)");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "worker", "name": "u"}])"),
            "/actions/0/type: unknown action type 'worker': Orchy has 'user' and 'system'");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "system", "name": "fork"}])"),
            "/actions/0/name: unknown system action 'fork': Orchy's are switch, delay, wait, "
            "javascript and jsonmapper");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "system", "name": "delay", "delaySeconds": 5,
    "expression": "x", "next": {"default": []}}])"),
            "/actions/0/expression: a delay action has no field \"expression\"");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "system", "name": "javascript"}])"),
            "/actions/0/expression: missing");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "system", "name": "delay", "delaySeconds": 0,
    "next": {"default": []}}])"),
            "/actions/0/delaySeconds: must be positive");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "system", "name": "wait", "event": "e",
    "next": {"e": []}}])"),
            "/actions/0/next/default: missing: Orchy requires next.default of "
            "a wait action");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "user", "name": "u", "next": {"ok": [1]}}])"),
            "/actions/0/next/ok: a user action only goes on to next.default, never to next.ok");
}

TEST(OrchyImport, refusesDanglingNextsForksCyclesAndUnreachableActions) {
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "user", "name": "u", "next": {"default": [42]}}])"),
            "/actions/0/next/default/0: no action has id 42");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "user", "name": "u", "next": {"default": [2, 3]}},
    {"id": 2, "type": "user", "name": "v"}, {"id": 3, "type": "user", "name": "w"}])"),
            "/actions/0/next/default: 2 actions start here in parallel (a fork): Pledge's "
            "Conductor subset has no FORK_JOIN; chain them or use a switch");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "user", "name": "u", "next": {"default": [2]}},
    {"id": 2, "type": "system", "name": "switch", "expression": "$.1.output.k",
     "next": {"again": [3], "default": []}},
    {"id": 3, "type": "user", "name": "w", "next": {"default": [1]}}])"),
            "/actions/2/next/default/0: cycle: action 3 leads back to action 1");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "user", "name": "u"},
    {"id": 2, "type": "user", "name": "v"}])"),
            "/actions/1: action 2 is not reachable from rootAction 1");
}

TEST(OrchyImport, refusesPathsAndReferencesConductorCannotExpress) {
  auto user = [](const std::string& value) {
    return R"([{"id": 1, "type": "user", "name": "u", "next": {"default": [2]}},
      {"id": 2, "type": "system", "name": "delay", "delaySeconds": 1, "next": {"default": [3]}},
      {"id": 3, "type": "user", "name": "v", "parameters": {"p": ")" +
           value + R"("}}])";
  };
  EXPECT_EQ(refusalOf(user("$.input..x")),
            "/actions/2/parameters/p: cannot translate the JSON path '$.input..x': an empty "
            "name, a wildcard or a deep scan (..); Pledge translates $.name steps and [N] "
            "indexes");
  EXPECT_EQ(refusalOf(user("$.1.output.list[-1]")),
            "/actions/2/parameters/p: cannot translate the JSON path '$.1.output.list[-1]': "
            "only [N] with N >= 0 is an index; Pledge translates $.name steps and [N] indexes");
  EXPECT_EQ(refusalOf(user("$.user.phone")),
            "/actions/2/parameters/p: '$.user.phone' names nothing Orchy keeps: a path starts "
            "with $.input or $.<action id>");
  EXPECT_EQ(refusalOf(user("$.9.output")), "/actions/2/parameters/p: no action has id 9");
  EXPECT_EQ(refusalOf(user("$.2.output")),
            "/actions/2/parameters/p: action 2 is a delay action, which has no output");
  EXPECT_EQ(refusalOf(user("$.3.output")),
            "/actions/2/parameters/p: action 3 cannot have run before");
  EXPECT_EQ(refusalOf(user("$.1.result")),
            "/actions/2/parameters/p: Orchy keeps only $.1.output of an action");
  EXPECT_EQ(refusalOf(user("{$.input.x}")),
            "/actions/2/parameters/p: Orchy passes '{$.input.x}' as it is: only a string "
            "starting with '$' is a JSON path (write it without the braces)");
  EXPECT_EQ(refusalOf(user("cost: ${price}")),
            "/actions/2/parameters/p: Conductor would read \"${\" in a literal string as a "
            "template");
  EXPECT_EQ(refusalOf(R"([{"id": 1, "type": "system", "name": "switch", "expression": "a",
    "next": {"x": []}}])"),
            "/actions/0/expression: expected a JSON path such as "
            "$.1.output.key (Orchy's switch reads one)");
}

TEST(OrchyImport, refusesAReferenceToAnActionCopiedIntoSeveralBranches) {
  EXPECT_EQ(refusalOf(R"([
    {"id": 1, "type": "system", "name": "switch", "expression": "$.input.k",
     "next": {"a": [2], "b": [3], "default": [4]}},
    {"id": 2, "type": "user", "name": "a", "next": {"default": [3]}},
    {"id": 3, "type": "user", "name": "shared", "next": {"default": [4]}},
    {"id": 4, "type": "user", "name": "end", "parameters": {"s": "$.3.output"}}])"),
            "/actions/3/parameters/s: action 3 is copied into several branches before this "
            "one; Conductor cannot name the copy that ran");
}

// The real binary, as a user types it.
class OrchyImportCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pledge-orchy-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Exit status and what it printed (stdout and stderr).
  std::pair<int, std::string> pledge(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {testing::buildBinary("cli/pledge")};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string log = dir_ + "/pledge.log";
    std::filesystem::remove(log);
    const pid_t pid = spawnProcess(argv, log);
    const std::optional<int> status = testing::waitForExit(pid, 30'000);
    return {status.value_or(-1), testing::readFile(log)};
  }

  std::string dir_;
};

TEST_F(OrchyImportCommand, printsOrWritesTheConductorJsonAndNamesTheFieldOfBadInput) {
  const std::string orchy = kNotification + "/orchy.json";
  const Json expected = readJsonFile(kNotification + "/workflow.json");
  auto [status, printed] = pledge({"workflow", "import", "--from", "orchy", orchy});
  EXPECT_EQ(status, 0) << printed;
  EXPECT_EQ(parseJson(printed), expected);
  EXPECT_EQ(printed, expected.dump(2) + "\n");

  const std::string out = dir_ + "/workflow.json";
  auto [written, silent] = pledge({"workflow", "import", "--from", "orchy", orchy, "-o", out});
  EXPECT_EQ(written, 0) << silent;
  EXPECT_EQ(silent, "");
  EXPECT_EQ(readJsonFile(out), expected);

  const std::string bad = dir_ + "/bad.json";
  std::ofstream(bad) << R"({"name": "w", "rootAction": 1, "actions": [{"id": 1, "type": "user",
    "name": "u", "next": {"default": [7]}}]})";
  auto [refused, message] = pledge({"workflow", "import", "--from", "orchy", bad});
  EXPECT_EQ(refused, kExitUsage);
  EXPECT_EQ(message, "pledge: " + bad + ": /actions/0/next/default/0: no action has id 7\n");

  std::ofstream(bad, std::ios::trunc) << "{\"name\": ";
  auto [broken, why] = pledge({"workflow", "import", "--from", "orchy", bad});
  EXPECT_EQ(broken, kExitUsage);
  EXPECT_TRUE(why.starts_with("pledge: " + bad + ": not JSON: ")) << why;
}

TEST(OrchyImportCommandLine, refusesAnotherFormatAndAMissingFile) {
  Outcome other = runPledge("http://127.0.0.1:1", {"workflow", "import", "--from", "argo", "f"});
  EXPECT_EQ(other.status, kExitUsage);
  EXPECT_NE(other.err.find("--from"), std::string::npos) << other.err;
  Outcome missing =
      runPledge("http://127.0.0.1:1", {"workflow", "import", "--from", "orchy", "/nonexistent"});
  EXPECT_EQ(missing.status, kExitUsage);
  EXPECT_EQ(missing.err, "pledge: workflow import: cannot read /nonexistent\n");
}

}  // namespace
}  // namespace pledge::cli
