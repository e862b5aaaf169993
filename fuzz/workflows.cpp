// Workflow definitions on any text (docs/workflows.md): parseWorkflow accepts a definition or
// throws WorkflowError naming a JSON pointer; what it accepts is walked by the interpreter's
// first step (scripts answer null, no sub-workflow exists), which decides or fails the task
// with a TaskError. Anything else escaping is a finding, and so is a decision that records a
// task it then does not wait for.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "pledge/server/workflow/interpreter.h"

using namespace pledge;
using namespace pledge::server::workflow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Json source;
  try {
    source = parseJson(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const JsonError&) {
    return 0;
  }
  std::unique_ptr<const WorkflowDef> def;
  try {
    def = parseWorkflow(source);
  } catch (const WorkflowError& error) {
    fuzz::check(error.message().empty() || error.message()[0] == '/' ||
                    error.message().starts_with(": "),
                "a definition error that names no pointer: " + error.message());
    return 0;
  }
  PolledTask start{.taskId = Uuid::random(), .processId = Uuid::random(),
                   .actor = def->actor(), .method = "execute", .type = TaskType::Decider,
                   .attempt = 1, .timeoutMs = 1000,
                   .args = {ArgValue::ofValue(source.value("exampleInput", Json::object()))}};
  StepServices services{
      .findWorkflow = [](const std::string&, std::optional<int>) {
        return std::shared_ptr<const WorkflowDef>();
      },
      .javaScript = [](const std::string&, const Json&) { return Json(); },
      .now = 1'000'000};
  try {
    Decision decision = runStep(*def, start, services);
    if (decision.promise) {
      bool recorded = false;
      for (const TaskSpec& task : decision.tasks) recorded = recorded || task.taskId == *decision.promise;
      fuzz::check(recorded, "a step forwards to a task it did not record");
    }
  } catch (const Error&) {
    // pledge::Error: a walk the definition's checks let through but the interpreter refuses.
  }
  return 0;
}
