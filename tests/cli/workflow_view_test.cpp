// renderWorkflow: a definition drawn as the tree of its tasks.
#include "pledge/cli/workflow_view.h"

#include <gtest/gtest.h>

namespace pledge::cli {
namespace {

Json task(const std::string& ref, const std::string& type, Json fields = Json::object()) {
  fields["name"] = ref;
  fields["taskReferenceName"] = ref;
  if (!type.empty()) fields["type"] = type;
  return fields;
}

TEST(WorkflowView, drawsEachTaskWithItsTypeReferenceAndWhatItDoes) {
  const Json definition = {
      {"name", "order"},
      {"version", 3},
      {"description", "takes an\norder"},
      {"inputParameters", {"id", "lang"}},
      {"outputParameters", {{"total", "${sum.output.result}"}}},
      {"tasks",
       {task("lookup", ""),
        task("greet", "SIMPLE", {{"actor", "Greeter#1.0"}, {"method", "greet"}}),
        task(
            "pick", "SWITCH",
            {{"evaluatorType", "value-param"},
             {"expression", "lang"},
             {"decisionCases",
              {{"fr", {task("fr", "SET_VARIABLE", {{"inputParameters", {{"hi", "Bonjour"}}}})}},
               {"none", Json::array()}}},
             {"defaultCase", {task("en", "SET_VARIABLE", {{"inputParameters", {{"hi", "Hi"}}}})}}}),
        task("fork", "FORK_JOIN",
             {{"forkTasks",
               {{task("a", "SIMPLE", {{"optional", true}})},
                {task("b", "INLINE",
                      {{"inputParameters",
                        {{"evaluatorType", "javascript"}, {"expression", "$.x  *\n 2"}}}}),
                 task("c", "WAIT", {{"inputParameters", {{"duration", "10s"}}}})}}}}),
        task("join", "JOIN", {{"joinOn", {"a", "c"}}}),
        task("loop", "DO_WHILE",
             {{"loopCondition", "$.loop['iteration'] < 3"},
              {"loopOver",
               {task("tick", "SUB_WORKFLOW", {{"subWorkflowParam", {{"name", "tick"}}}}),
                task("jq", "JSON_JQ_TRANSFORM",
                     {{"inputParameters", {{"queryExpression", ".xs | add"}}}})}}}),
        task("stop", "TERMINATE", {{"inputParameters", {{"terminationStatus", "COMPLETED"}}}})}}};

  EXPECT_EQ(renderWorkflow(definition),
            "workflow:order#3  takes an order\n"
            "input: id, lang\n"
            "output: total\n"
            "\n"
            "├─ SIMPLE lookup  lookup#1\n"
            "├─ SIMPLE greet  Greeter#1.0.greet\n"
            "├─ SWITCH pick  value-param lang\n"
            "│  ├─ case \"fr\"\n"
            "│  │  └─ SET_VARIABLE fr  sets hi\n"
            "│  ├─ case \"none\"  (no tasks)\n"
            "│  └─ default\n"
            "│     └─ SET_VARIABLE en  sets hi\n"
            "├─ FORK_JOIN fork\n"
            "│  ├─ branch 1\n"
            "│  │  └─ SIMPLE a  a#1  (optional)\n"
            "│  └─ branch 2\n"
            "│     ├─ INLINE b  $.x * 2\n"
            "│     └─ WAIT c  duration 10s\n"
            "├─ JOIN join  on a, c\n"
            "├─ DO_WHILE loop  while $.loop['iteration'] < 3\n"
            "│  ├─ SUB_WORKFLOW tick  workflow:tick (latest)\n"
            "│  └─ JSON_JQ_TRANSFORM jq  .xs | add\n"
            "└─ TERMINATE stop  COMPLETED\n");
}

TEST(WorkflowView, longExpressionsAreCutAndOddDefinitionsStillDraw) {
  const std::string script(100, 'x');
  const Json definition = {
      {"name", "w"},
      {"tasks",
       {task("s", "DECISION", {{"caseExpression", script}, {"decisionCases", {{"1", 7}}}}), 5}}};
  EXPECT_EQ(renderWorkflow(definition),
            "workflow:w#1\n"
            "\n"
            "├─ DECISION s  javascript " +
                std::string(59, 'x') +
                "…\n"
                "│  └─ case \"1\"  (no tasks)\n"
                "└─ ? 5\n");
  EXPECT_EQ(renderWorkflow(Json()), "workflow:#1\n\n");
}

}  // namespace
}  // namespace pledge::cli
