// Workflow definitions (docs/workflows.md): processes defined as data in Netflix Conductor's
// JSON schema, run by the server's built-in decider. parseWorkflow checks a definition whole
// (types, fields, references between tasks, template paths) and names the first problem by the
// JSON pointer of the field:
//
//   WorkflowDef def = parseWorkflow(parseJson(body));
//   // throws WorkflowError "/tasks/2/inputParameters/to: ${mail.output.adress}: no task has
//   //   the reference name \"mail\""
//
// A parsed definition is immutable; the interpreter addresses its task lists by the pointer of
// the list ("/tasks", "/tasks/3/decisionCases/male", "/tasks/5/forkTasks/1").
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/call_options.h"
#include "pledge/error.h"
#include "pledge/json.h"
#include "pledge/limits.h"

namespace pledge::server::workflow {

// A definition that does not hold together. Code BadRequest; the message starts with pointer().
class WorkflowError : public Error {
 public:
  WorkflowError(std::string pointer, const std::string& detail)
      : Error(ErrorCode::BadRequest, pointer + ": " + detail), pointer_(std::move(pointer)) {}
  const std::string& pointer() const { return pointer_; }

 private:
  std::string pointer_;
};

enum class TaskKind {
  Simple,           // a worker task: served by any runner of its actor (C++, REST, Python)
  Switch,           // (and DECISION) picks one list of tasks by a value or a JavaScript result
  ForkJoin,         // runs lists of tasks side by side; the JOIN after it waits for them all
  ForkJoinDynamic,  // the same, with tasks listed by an input at run time
  Join,
  DoWhile,          // runs its tasks again while a JavaScript condition holds
  SubWorkflow,      // another workflow (or a code-first decider) in the same process
  Wait,             // a duration, a point in time, or an event
  Human,            // an event sent to the process under the task's reference name
  Inline,           // JavaScript (duktape, in a sandbox process)
  JsonJq,           // JSON_JQ_TRANSFORM (libjq, in a sandbox process)
  SetVariable,
  Terminate,
  Event,            // sends a Pledge event
  Http,             // an HTTP request from the server
};

std::string_view taskKindName(TaskKind kind);

struct WorkflowTask {
  TaskKind kind = TaskKind::Simple;
  std::string name;
  std::string ref;      // taskReferenceName
  std::string pointer;  // where it is defined, "/tasks/3"
  Json inputParameters = Json::object();
  // A failure (or a time-out) does not stop the workflow: the task ends FAILED (TIMED_OUT) and
  // the next one runs.
  bool optional = false;
  // SIMPLE (and SUB_WORKFLOW naming a code-first decider): the actor and method that serve it,
  // and the arguments (templates) when not the one input object.
  std::string actor;
  std::string method;
  std::optional<Json> args;
  CallOptions options;
  // SWITCH: "value-param" or "javascript"; the parameter name or the script.
  std::string evaluatorType;
  std::string expression;
  std::map<std::string, std::vector<WorkflowTask>> decisionCases;
  std::vector<WorkflowTask> defaultCase;
  // FORK_JOIN
  std::vector<std::vector<WorkflowTask>> forkTasks;
  // JOIN
  std::vector<std::string> joinOn;
  // FORK_JOIN_DYNAMIC: the input parameters holding the task list and their inputs.
  std::string dynamicTasksParam;
  std::string dynamicInputsParam;
  // DO_WHILE
  std::string loopCondition;
  std::vector<WorkflowTask> loopOver;
  // SUB_WORKFLOW: a workflow by name (and version, else the latest at run time).
  std::string subName;
  std::optional<int> subVersion;
  // WAIT, HUMAN: the longest wait for an event (timeoutSeconds or inputParameters.timeout).
  std::optional<std::int64_t> timeoutMs;
  // EVENT: "pledge:NAME" (or "conductor:NAME"): the event sent.
  std::string sink;
};

struct WorkflowDef {
  std::string name;
  int version = 1;
  std::string description;
  std::vector<std::string> inputParameters;
  std::optional<Json> outputParameters;
  std::vector<WorkflowTask> tasks;
  // The deadline of its processes (timeoutSeconds with timeoutPolicy TIME_OUT_WF).
  std::optional<std::int64_t> deadlineMs;
  // Every task list by its pointer, and every task by its reference name.
  std::map<std::string, const std::vector<WorkflowTask>*, std::less<>> lists;
  std::map<std::string, const WorkflowTask*, std::less<>> byRef;
  // The definition as registered.
  Json source;

  // The actor of its processes: "workflow:NAME#VERSION".
  std::string actor() const;
  const std::vector<WorkflowTask>& list(std::string_view pointer) const;
};

inline constexpr std::string_view kWorkflowActorPrefix = "workflow:";
// "workflow:NAME#3" -> {"NAME", 3}; nullopt for any other actor id.
std::optional<std::pair<std::string, int>> workflowOfActor(std::string_view actor);

// Throws WorkflowError. The result is not movable once built (lists and byRef point into it).
std::unique_ptr<const WorkflowDef> parseWorkflow(const Json& source);

// A duration as Conductor writes them: "30s", "10 m", "2 minutes", "1 days 2 hours", or a
// number of seconds; nullopt when the text is none of these or the sum is above maxMs.
std::optional<std::int64_t> parseDurationMs(const Json& value,
                                            std::int64_t maxMs = limits::kMaxTimeoutMs * 12);

// A JSON pointer's escaping of one reference token.
std::string pointerToken(std::string_view key);

}  // namespace pledge::server::workflow
