// The built-in decider of workflows (docs/workflows.md, "How a workflow runs"). Each of its
// tasks is one step: it walks the definition from where the last step stopped, settles what it
// can at once (SET_VARIABLE, SWITCH, JOIN, DO_WHILE conditions, TERMINATE), and records the
// tasks that need time or a runner (SIMPLE, SUB_WORKFLOW, WAIT, HUMAN, INLINE, jq, EVENT,
// forks) together with the next step, which waits for their promises. The step forwards its
// result to the next one, so the process's start task resolves with the workflow's output.
//
// A step task's arguments are the frame (where the walk stands, the workflow input, variables,
// records settled in steps) and the list of every promise the walk took so far (the outputs of
// earlier tasks arrive resolved). Pure: no clock, no I/O but the callbacks it is given.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "pledge/decision.h"
#include "pledge/polled_task.h"
#include "pledge/server/workflow/definition.h"
#include "pledge/server/workflow/script_sandbox.h"

namespace pledge::server::workflow {

// The actor of the tasks the server runs itself (scripts, events) and their methods.
inline constexpr std::string_view kSystemActor = "pledge.system#1";
inline constexpr std::string_view kStepMethod = "step";

struct StepServices {
  // The latest version of a workflow (version nullopt) or that one; null when unknown.
  std::function<std::shared_ptr<const WorkflowDef>(const std::string& name,
                                                   std::optional<int> version)>
      findWorkflow;
  // JavaScript of SWITCH and DO_WHILE; throws ScriptFailure.
  std::function<Json(const std::string& code, const Json& input)> javaScript;
  std::int64_t now = 0;
};

// The decision of one step task of def (its start task or a later step).
Decision runStep(const WorkflowDef& def, const PolledTask& task, const StepServices& services);

}  // namespace pledge::server::workflow
