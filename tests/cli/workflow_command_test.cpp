// pledge workflow register, list and show, and pledge start of a workflow: the real pledge binary
// against a real pledge-server (which runs INLINE scripts in its pledge-script helper).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_run.h"
#include "pledge/cli/cli_app.h"
#include "pledge/json.h"
#include "server_process.h"
#include "subprocess.h"

namespace pledge::cli {
namespace {

using testing::ServerProcess;

Json task(const std::string& ref, const std::string& type, Json fields = Json::object()) {
  fields["name"] = ref;
  fields["taskReferenceName"] = ref;
  fields["type"] = type;
  return fields;
}

// Doubles its input's a with a script and keeps it in a variable: system tasks only.
Json doubler(const std::string& description = "doubles a") {
  return {{"name", "doubler"},
          {"version", 1},
          {"description", description},
          {"inputParameters", {"a"}},
          {"tasks",
           {task("twice", "INLINE",
                 {{"inputParameters",
                   {{"evaluatorType", "javascript"},
                    {"expression", "$.a * 2"},
                    {"a", "${workflow.input.a}"}}}}),
            task("keep", "SET_VARIABLE",
                 {{"inputParameters", {{"doubled", "${twice.output.result}"}}}})}},
          {"outputParameters", {{"doubled", "${workflow.variables.doubled}"}}}};
}

// A switch, a fork and a loop around worker tasks.
Json shapes() {
  return {{"name", "shapes"},
          {"version", 2},
          {"tasks",
           {task("route", "SWITCH",
                 {{"evaluatorType", "value-param"},
                  {"expression", "kind"},
                  {"inputParameters", {{"kind", "${workflow.input.kind}"}}},
                  {"decisionCases", {{"mail", {task("mail", "SIMPLE")}}}},
                  {"defaultCase", {task("sms", "SIMPLE", {{"actor", "Sms#2.0"}})}}}),
            task("fan", "FORK_JOIN",
                 {{"forkTasks", {{task("left", "SIMPLE")}, {task("right", "SIMPLE")}}}}),
            task("gather", "JOIN", {{"joinOn", {"left", "right"}}}),
            task("retry", "DO_WHILE",
                 {{"loopCondition", "$.retry['iteration'] < 2"},
                  {"loopOver", {task("poke", "SIMPLE")}}})}}};
}

class WorkflowCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pledge-workflow-cli-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server\n" << server_.log();
    std::filesystem::remove_all(dir_);
  }

  // The pledge binary with args, as a user types them: its exit status, stdout and stderr
  // (cli_run.h's runPledge runs the CLI in-process instead).
  Outcome pledge(const std::vector<std::string>& args) {
    const std::string out = dir_ + "/out", err = dir_ + "/err";
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    std::vector<std::string> argv = {
        "/bin/sh",  "-c",         "exec \"$@\" 2>\"$0\"", err, testing::buildBinary("cli/pledge"),
        "--server", server_.url()};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::optional<int> status = testing::waitForExit(spawnProcess(argv, out), 60'000);
    return Outcome{status.value_or(-1), testing::readFile(out), testing::readFile(err)};
  }

  std::string file(const std::string& name, const Json& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << content.dump(2);
    return path;
  }

  std::string dir_;
  ServerProcess server_;
};

TEST_F(WorkflowCommand, registersAFileOnceAndSaysWhenItIsUnchanged) {
  const std::string path = file("doubler.json", doubler());
  Outcome registered = pledge({"workflow", "register", path});
  EXPECT_EQ(registered.status, kExitOk) << registered.err;
  EXPECT_EQ(registered.out, "registered doubler version 1 (actor workflow:doubler#1)\n");

  Outcome again = pledge({"workflow", "register", path});
  EXPECT_EQ(again.status, kExitOk) << again.err;
  EXPECT_EQ(again.out,
            "unchanged doubler version 1 (actor workflow:doubler#1): it holds this definition "
            "already\n");

  Outcome json = pledge({"--json", "workflow", "register", path});
  EXPECT_EQ(json.status, kExitOk) << json.err;
  const Json answer = parseJson(json.out);
  EXPECT_EQ(answer.at("actor"), "workflow:doubler#1");
  EXPECT_EQ(answer.at("definition"), doubler());
}

TEST_F(WorkflowCommand, aBadDefinitionNamesTheFileAndTheFieldAndTheOthersAreStillRegistered) {
  Json broken = doubler();
  broken["tasks"][1]["type"] = "NOPE";
  const std::string bad = file("bad.json", broken);
  const std::string good = file("shapes.json", shapes());
  Outcome refused = pledge({"workflow", "register", bad, good});
  EXPECT_EQ(refused.status, kExitRefused);
  EXPECT_NE(refused.err.find("pledge: " + bad +
                             ": not registered: /tasks/1/type: unknown task "
                             "type \"NOPE\""),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.out, "registered shapes version 2 (actor workflow:shapes#2)\n");

  ASSERT_EQ(pledge({"workflow", "register", file("doubler.json", doubler())}).status, kExitOk);
  Outcome conflict = pledge({"workflow", "register", file("changed.json", doubler("triples a"))});
  EXPECT_EQ(conflict.status, kExitRefused);
  EXPECT_NE(conflict.err.find("register the change as version 2"), std::string::npos)
      << conflict.err;

  std::ofstream(dir_ + "/text.json") << "not json";
  Outcome notJson = pledge({"workflow", "register", dir_ + "/text.json"});
  EXPECT_EQ(notJson.status, kExitUsage);
  EXPECT_NE(notJson.err.find("text.json: not JSON"), std::string::npos) << notJson.err;
  Outcome missing = pledge({"workflow", "register", dir_ + "/none.json"});
  EXPECT_EQ(missing.status, kExitUsage);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
}

TEST_F(WorkflowCommand, listsTheRegisteredVersionsAndShowsOneAsATree) {
  Outcome none = pledge({"workflow", "list"});
  EXPECT_EQ(none.status, kExitOk) << none.err;
  EXPECT_NE(none.out.find("pledge workflow register"), std::string::npos) << none.out;
  ASSERT_EQ(
      pledge({"workflow", "register", file("a.json", doubler()), file("b.json", shapes())}).status,
      kExitOk);

  Outcome list = pledge({"workflow", "list"});
  EXPECT_EQ(list.status, kExitOk) << list.err;
  EXPECT_EQ(list.out.rfind("NAME     VERSION  TASKS  DESCRIPTION  REGISTERED AT", 0), 0u)
      << list.out;
  EXPECT_NE(list.out.find("doubler  1        2      doubles a    20"), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("shapes   2        9"), std::string::npos) << list.out;
  Json listed = parseJson(pledge({"--json", "workflow", "list"}).out);
  ASSERT_EQ(listed.at("items").size(), 2u);
  EXPECT_FALSE(listed["items"][0].contains("definition"));

  Outcome show = pledge({"workflow", "show", "shapes"});
  EXPECT_EQ(show.status, kExitOk) << show.err;
  EXPECT_EQ(show.out,
            "workflow:shapes#2\n"
            "\n"
            "├─ SWITCH route  value-param kind\n"
            "│  ├─ case \"mail\"\n"
            "│  │  └─ SIMPLE mail  mail#1\n"
            "│  └─ default\n"
            "│     └─ SIMPLE sms  Sms#2.0\n"
            "├─ FORK_JOIN fan\n"
            "│  ├─ branch 1\n"
            "│  │  └─ SIMPLE left  left#1\n"
            "│  └─ branch 2\n"
            "│     └─ SIMPLE right  right#1\n"
            "├─ JOIN gather  on left, right\n"
            "└─ DO_WHILE retry  while $.retry['iteration'] < 2\n"
            "   └─ SIMPLE poke  poke#1\n");
  Outcome json = pledge({"--json", "workflow", "show", "doubler", "--version", "1"});
  EXPECT_EQ(json.status, kExitOk) << json.err;
  EXPECT_EQ(parseJson(json.out), doubler());

  Outcome unknown = pledge({"workflow", "show", "shapes", "--version", "7"});
  EXPECT_EQ(unknown.status, kExitRefused);
  EXPECT_NE(unknown.err.find("no workflow \"shapes\" version 7 is registered"), std::string::npos)
      << unknown.err;
  EXPECT_NE(unknown.err.find("pledge workflow list"), std::string::npos) << unknown.err;
}

TEST_F(WorkflowCommand, startsAWorkflowWithItsInputAndItsResultIsTheOutput) {
  ASSERT_EQ(pledge({"workflow", "register", file("doubler.json", doubler())}).status, kExitOk);

  Outcome started = pledge({"start", "workflow:doubler", "--input", R"({"a":21})"});
  ASSERT_EQ(started.status, kExitOk) << started.err;
  ASSERT_EQ(started.out.rfind("started process ", 0), 0u) << started.out;
  const std::string id = started.out.substr(16, 36);
  Outcome result = pledge({"result", id, "--wait", "60"});
  EXPECT_EQ(result.status, kExitOk) << result.err << result.out;
  EXPECT_EQ(parseJson(result.out), Json({{"doubled", 42}}));

  const std::string input = file("input.json", {{"a", 5}});
  Outcome waited =
      pledge({"start", "workflow:doubler#1", "execute", "--input-file", input, "--wait"});
  EXPECT_EQ(waited.status, kExitOk) << waited.err;
  EXPECT_NE(waited.out.find("\"doubled\": 10"), std::string::npos) << waited.out;

  Outcome many =
      pledge({"start", "workflow:doubler", "--input", R"({"a":{i}})", "--count", "3", "--wait"});
  EXPECT_EQ(many.status, kExitOk) << many.err;
  EXPECT_NE(many.out.find("started 3 process(es) of workflow:doubler.execute"), std::string::npos)
      << many.out;
  EXPECT_NE(many.out.find("ended: 3 completed"), std::string::npos) << many.out;
}

TEST_F(WorkflowCommand, startSaysWhatToTypeForAWorkflowOrADecider) {
  Outcome positional = pledge({"start", "workflow:doubler", R"({"a":1})"});
  EXPECT_EQ(positional.status, kExitUsage);
  EXPECT_NE(positional.err.find(R"(pledge start workflow:doubler --input '{"a":1}')"),
            std::string::npos)
      << positional.err;
  Outcome array = pledge({"start", "workflow:doubler", "--input", "[1]"});
  EXPECT_EQ(array.status, kExitUsage);
  EXPECT_NE(array.err.find("--input must be one JSON object"), std::string::npos) << array.err;
  Outcome decider = pledge({"start", "NotificationDecider#1.0"});
  EXPECT_EQ(decider.status, kExitUsage);
  EXPECT_NE(decider.err.find("METHOD is required"), std::string::npos) << decider.err;
  Outcome inputForDecider = pledge({"start", "NotificationDecider#1.0", "start", "--input", "{}"});
  EXPECT_EQ(inputForDecider.status, kExitUsage);
  EXPECT_NE(inputForDecider.err.find("takes ARGS_JSON"), std::string::npos) << inputForDecider.err;
  Outcome unknown = pledge({"start", "workflow:nothing", "--input", "{}"});
  EXPECT_EQ(unknown.status, kExitRefused);
  EXPECT_NE(unknown.err.find("no workflow \"nothing\" is registered"), std::string::npos)
      << unknown.err;
}

}  // namespace
}  // namespace pledge::cli
