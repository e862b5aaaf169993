// The tasks a workflow step records (docs/workflows.md, "How a workflow runs").
#include <fmt/format.h>

#include "pledge/limits.h"
#include "pledge/server/workflow/templates.h"
#include "pledge/task_spec.h"
#include "workflow/step.h"

namespace pledge::server::workflow {
namespace {

TaskError badInput(const WorkflowTask& t, const std::string& what) {
  return TaskError("pledge.BadWorkflowInput", fmt::format("{} ({}): {}", t.ref, t.pointer, what),
                   false);
}

// input without the keys that configure the task rather than feed it.
Json without(Json input, std::initializer_list<const char*> keys) {
  for (const char* key : keys) input.erase(key);
  return input;
}

}  // namespace

void Step::promise(Json entry, const Uuid& taskId, bool optional) {
  entry["taskId"] = taskId.toString();
  if (optional) entry["optional"] = true;
  frame_["promised"].push_back(std::move(entry));
}

std::string Step::eventKey(const Json& input) const {
  if (input.contains("key") && input["key"].is_string()) return input["key"].get<std::string>();
  if (input.contains("key") && !input["key"].is_null()) return dumpJson(input["key"]);
  return task_.processId.toString();
}

std::string Step::subWorkflowActor(const WorkflowTask& t) const {
  auto sub = services_.findWorkflow(t.subName, t.subVersion);
  if (!sub) {
    throw TaskError("pledge.UnknownWorkflow",
                    fmt::format("{} ({}): no workflow \"{}\"{} is registered", t.ref, t.pointer,
                                t.subName,
                                t.subVersion ? fmt::format(" version {}", *t.subVersion) : ""),
                    false);
  }
  return sub->actor();
}

void Step::recordTask(const WorkflowTask& t, Json input, const std::string& ref) {
  TaskSpec spec;
  spec.taskId = Uuid::random();
  spec.method = "execute";
  std::string kind = "task";
  auto system = [&](std::string method, Json arg) {
    spec.actor = std::string(kSystemActor);
    spec.method = std::move(method);
    spec.args = {ArgSpec::ofValue(std::move(arg))};
  };
  auto argsOf = [&] {
    if (!t.args) return std::vector<ArgSpec>{ArgSpec::ofValue(input)};
    std::vector<ArgSpec> args;
    for (const Json& arg : resolveTemplates(*t.args, scope_)) args.push_back(ArgSpec::ofValue(arg));
    return args;
  };
  switch (t.kind) {
    case TaskKind::Simple:
      spec.actor = t.actor;
      spec.method = t.method;
      spec.args = argsOf();
      spec.options = t.options;
      break;
    case TaskKind::SubWorkflow:
      spec.type = TaskType::Decider;
      if (!t.actor.empty()) {
        spec.actor = t.actor;
        spec.method = t.method;
        spec.args = argsOf();
      } else {
        spec.actor = subWorkflowActor(t);
        spec.args = {ArgSpec::ofValue(input)};
      }
      break;
    case TaskKind::Inline:
      system("inline", {{"expression", t.expression},
                        {"input", without(input, {"expression", "evaluatorType"})}});
      break;
    case TaskKind::JsonJq:
      system("jq", {{"query", t.expression}, {"input", without(input, {"queryExpression"})}});
      break;
    case TaskKind::Http:
      system("http", {{"request", input.value("http_request", Json::object())}});
      break;
    case TaskKind::Event:
      system("event", {{"name", t.sink}, {"key", eventKey(input)}, {"payload", input}});
      break;
    case TaskKind::Wait:
    case TaskKind::Human: {
      spec.actor = task_.actor;
      const Json* duration = t.kind == TaskKind::Wait && input.contains("duration")
                                 ? &input["duration"] : nullptr;
      const Json* until = t.kind == TaskKind::Wait && input.contains("until") ? &input["until"]
                                                                             : nullptr;
      if (duration || until) {
        std::int64_t waitMs = 0;
        if (duration) {
          auto ms = parseDurationMs(*duration);
          if (!ms || *ms < 1 || *ms > limits::kMaxTimeoutMs) {
            throw badInput(t, "duration: expected a duration such as \"10s\", got " +
                                  describeJson(*duration));
          }
          waitMs = *ms;
        } else {
          if (!until->is_number_integer()) {
            throw badInput(t, "until: expected epoch milliseconds, got " + describeJson(*until));
          }
          waitMs = std::clamp<std::int64_t>(until->get<std::int64_t>() - services_.now, 1,
                                            limits::kMaxTimeoutMs);
        }
        spec.type = TaskType::Timer;
        spec.method = "after";
        spec.options.timeoutMs = waitMs;
        kind = "timer";
        break;
      }
      // An event: the one named by inputParameters.event, else the task's reference name
      // (sent to the process: POST /api/v1/processes/{id}/events).
      spec.type = TaskType::Event;
      spec.method = input.contains("event") && input["event"].is_string()
                        ? input["event"].get<std::string>() : ref;
      if (auto problem = checkMethodName(spec.method)) throw badInput(t, "event: " + *problem);
      spec.args = {ArgSpec::ofValue(eventKey(input))};
      if (t.timeoutMs) spec.options.timeoutMs = *t.timeoutMs;
      kind = "event";
      break;
    }
    default:
      PLEDGE_REQUIRE(false, "{} ({}) is not recorded as a task", t.ref, t.pointer);
  }
  decision_.tasks.push_back(spec);
  promise({{"kind", kind}, {"ref", ref}, {"input", std::move(input)}}, spec.taskId, t.optional);
}

void Step::fork(const WorkflowTask& t) {
  if (t.kind == TaskKind::ForkJoinDynamic) return forkDynamic(t);
  remember(t.ref, Json::object(), Json::object());
  for (std::size_t b = 0; b < t.forkTasks.size(); ++b) {
    const auto& branch = t.forkTasks[b];
    if (branch.empty()) continue;
    const WorkflowTask& only = branch.front();
    const bool direct = branch.size() == 1 && only.kind != TaskKind::ForkJoin &&
                        only.kind != TaskKind::ForkJoinDynamic &&
                        only.kind != TaskKind::Switch && only.kind != TaskKind::DoWhile &&
                        only.kind != TaskKind::SetVariable && only.kind != TaskKind::Terminate &&
                        only.kind != TaskKind::Join;
    if (direct) {  // one task: recorded as it is, no step of its own
      recordTask(only, inputOf(only), only.ref);
      continue;
    }
    Json frame = frame_;
    frame["stack"] = Json::array({{{"list", fmt::format("{}/forkTasks/{}", t.pointer, b)},
                                   {"index", 0}}});
    frame["branch"] = true;
    const Uuid head = recordStep(frame);
    promise({{"kind", "branch"}, {"ref", fmt::format("{}[{}]", t.ref, b)}}, head, false);
  }
}

void Step::forkDynamic(const WorkflowTask& t) {
  const Json input = inputOf(t);
  const Json& tasks = input[t.dynamicTasksParam];
  const Json& inputs = input[t.dynamicInputsParam];
  if (!tasks.is_array()) {
    throw badInput(t, t.dynamicTasksParam + ": expected an array of tasks, got " +
                          describeJson(tasks));
  }
  if (tasks.size() > kMaxDynamicTasks) {
    throw badInput(t, fmt::format("{}: at most {} tasks, got {}", t.dynamicTasksParam,
                                  kMaxDynamicTasks, tasks.size()));
  }
  Json forked = Json::array();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    WorkflowTask dynamic;
    try {
      // Each listed task is read as a definition's task would be.
      Json one = Json::object({{"name", "dynamic"}, {"tasks", Json::array({tasks[i]})}});
      auto parsed = parseWorkflow(one);
      dynamic = parsed->tasks.front();
    } catch (const WorkflowError& error) {
      throw badInput(t, fmt::format("{}[{}]{}", t.dynamicTasksParam, i,
                                    error.message().substr(std::string("/tasks/0").size())));
    }
    if (dynamic.kind != TaskKind::Simple && dynamic.kind != TaskKind::SubWorkflow &&
        dynamic.kind != TaskKind::Inline && dynamic.kind != TaskKind::JsonJq &&
        dynamic.kind != TaskKind::Http) {
      throw badInput(t, fmt::format("{}[{}]: a dynamic fork runs SIMPLE, SUB_WORKFLOW, INLINE, "
                                    "JSON_JQ_TRANSFORM or HTTP tasks",
                                    t.dynamicTasksParam, i));
    }
    if (scope_.contains(dynamic.ref)) {
      throw badInput(t, fmt::format("{}[{}]: the reference name \"{}\" is taken",
                                    t.dynamicTasksParam, i, dynamic.ref));
    }
    Json taskInput = inputs.is_object() && inputs.contains(dynamic.ref) ? inputs[dynamic.ref]
                                                                        : Json::object();
    dynamic.inputParameters = taskInput;
    recordTask(dynamic, resolveTemplates(taskInput, scope_), dynamic.ref);
    forked.push_back(dynamic.ref);
  }
  remember(t.ref, input, {{"forkedTasks", forked}});
}

Uuid Step::recordStep(const Json& frame) {
  TaskSpec spec;
  spec.taskId = Uuid::random();
  spec.actor = task_.actor;
  spec.method = std::string(kStepMethod);
  spec.type = TaskType::Decider;
  std::vector<ArgSpec> promises;
  for (const Json& entry : frame["promised"]) {
    PromiseFlags flags;
    if (entry.value("optional", false)) flags.acceptFail = AcceptFail::any();
    promises.push_back(ArgSpec::ofPromise(*Uuid::parse(entry["taskId"].get<std::string>()),
                                          std::move(flags)));
  }
  spec.args = {ArgSpec::ofValue(frame), ArgSpec::ofList(std::move(promises))};
  decision_.tasks.push_back(std::move(spec));
  return decision_.tasks.back().taskId;
}

void Step::waitForNextStep() { decision_.promise = recordStep(frame_); }

}  // namespace pledge::server::workflow
