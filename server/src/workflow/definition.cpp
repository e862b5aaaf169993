// Reading and checking a workflow definition (docs/workflows.md, "Definitions").
#include "pledge/server/workflow/definition.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "pledge/limits.h"
#include "pledge/task_spec.h"
#include "pledge/text.h"
#include "workflow/definition_checks.h"

namespace pledge::server::workflow {
namespace {

struct KindName {
  TaskKind kind;
  std::string_view name;
};

constexpr KindName kKinds[] = {
    {TaskKind::Simple, "SIMPLE"},          {TaskKind::Switch, "SWITCH"},
    {TaskKind::ForkJoin, "FORK_JOIN"},     {TaskKind::ForkJoinDynamic, "FORK_JOIN_DYNAMIC"},
    {TaskKind::Join, "JOIN"},              {TaskKind::DoWhile, "DO_WHILE"},
    {TaskKind::SubWorkflow, "SUB_WORKFLOW"}, {TaskKind::Wait, "WAIT"},
    {TaskKind::Human, "HUMAN"},            {TaskKind::Inline, "INLINE"},
    {TaskKind::JsonJq, "JSON_JQ_TRANSFORM"}, {TaskKind::SetVariable, "SET_VARIABLE"},
    {TaskKind::Terminate, "TERMINATE"},    {TaskKind::Event, "EVENT"},
    {TaskKind::Http, "HTTP"},
};

[[noreturn]] void fail(const std::string& pointer, const std::string& detail) {
  throw WorkflowError(pointer, detail);
}

const Json* field(const Json& object, std::string_view key) {
  auto found = object.find(key);
  return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::string text(const Json& object, std::string_view key, const std::string& at, bool required) {
  const Json* value = field(object, key);
  if (!value) {
    if (required) fail(at + "/" + std::string(key), "is required");
    return "";
  }
  if (!value->is_string()) {
    fail(at + "/" + std::string(key), "expected a string, got " + describeJson(*value));
  }
  return value->get<std::string>();
}

std::string name(const Json& object, std::string_view key, const std::string& at) {
  std::string value = text(object, key, at, true);
  if (auto problem = checkName(value, limits::kMaxNameBytes)) {
    fail(at + "/" + std::string(key), *problem);
  }
  return value;
}

// A number of seconds (0 to 30 days) as ms; nullopt when absent or 0 (Conductor's "none").
std::optional<std::int64_t> secondsMs(const Json& object, std::string_view key,
                                      const std::string& at) {
  const Json* seconds = field(object, key);
  if (!seconds) return std::nullopt;
  if (!seconds->is_number_integer() || seconds->get<std::int64_t>() < 0 ||
      seconds->get<std::int64_t>() > limits::kMaxTimeoutMs / 1000) {
    fail(at + "/" + std::string(key), "expected seconds from 0 to 30 days");
  }
  if (seconds->get<std::int64_t>() == 0) return std::nullopt;
  return seconds->get<std::int64_t>() * 1000;
}

const Json& array(const Json& object, std::string_view key, const std::string& at) {
  const Json* value = field(object, key);
  if (!value) fail(at + "/" + std::string(key), "is required");
  if (!value->is_array()) {
    fail(at + "/" + std::string(key), "expected an array, got " + describeJson(*value));
  }
  return *value;
}

class Reader {
 public:
  std::vector<WorkflowTask> list(const Json& tasks, const std::string& at) {
    if (!tasks.is_array()) fail(at, "expected an array of tasks, got " + describeJson(tasks));
    if (tasks.empty()) fail(at, "must hold at least one task");
    std::vector<WorkflowTask> out;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      out.push_back(task(tasks[i], fmt::format("{}/{}", at, i)));
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      const bool forks = out[i].kind == TaskKind::ForkJoin ||
                         out[i].kind == TaskKind::ForkJoinDynamic;
      if (forks && (i + 1 == out.size() || out[i + 1].kind != TaskKind::Join)) {
        fail(out[i].pointer, "a " + std::string(taskKindName(out[i].kind)) +
                                 " must be followed by a JOIN in the same list");
      }
    }
    return out;
  }

 private:
  WorkflowTask task(const Json& in, const std::string& at) {
    if (!in.is_object()) fail(at, "expected a task object, got " + describeJson(in));
    WorkflowTask t;
    t.pointer = at;
    t.name = name(in, "name", at);
    t.ref = name(in, "taskReferenceName", at);
    if (t.ref == "workflow") fail(at + "/taskReferenceName", "\"workflow\" is reserved");
    if (!refs_.insert(t.ref).second) {
      fail(at + "/taskReferenceName", "\"" + t.ref + "\" names another task already");
    }
    const std::string type = in.contains("type") ? text(in, "type", at, true) : "SIMPLE";
    t.kind = kindOf(type, at + "/type");
    if (const Json* input = field(in, "inputParameters")) {
      if (!input->is_object()) {
        fail(at + "/inputParameters", "expected an object, got " + describeJson(*input));
      }
      t.inputParameters = *input;
    }
    if (const Json* optional = field(in, "optional")) {
      if (!optional->is_boolean()) fail(at + "/optional", "expected true or false");
      t.optional = optional->get<bool>();
    }
    t.timeoutMs = secondsMs(in, "timeoutSeconds", at);
    readKind(t, in, at);
    return t;
  }

  static TaskKind kindOf(const std::string& type, const std::string& at) {
    if (type == "DECISION") return TaskKind::Switch;
    for (const KindName& kind : kKinds) {
      if (kind.name == type) return kind.kind;
    }
    std::string known;
    for (const KindName& kind : kKinds) known += (known.empty() ? "" : ", ") + std::string(kind.name);
    fail(at, "unknown task type \"" + quoteInput(type) + "\" (supported: " + known + ", DECISION)");
  }

  void readKind(WorkflowTask& t, const Json& in, const std::string& at) {
    switch (t.kind) {
      case TaskKind::Simple: return readSimple(t, in, at);
      case TaskKind::Switch: return readSwitch(t, in, at);
      case TaskKind::ForkJoin: {
        const Json& forks = array(in, "forkTasks", at);
        if (forks.empty()) fail(at + "/forkTasks", "must hold at least one list of tasks");
        for (std::size_t i = 0; i < forks.size(); ++i) {
          t.forkTasks.push_back(nested(forks[i], fmt::format("{}/forkTasks/{}", at, i)));
        }
        return;
      }
      case TaskKind::ForkJoinDynamic:
        t.dynamicTasksParam = name(in, "dynamicForkTasksParam", at);
        t.dynamicInputsParam = name(in, "dynamicForkTasksInputParamName", at);
        return;
      case TaskKind::Join:
        if (const Json* joinOn = field(in, "joinOn")) {
          if (!joinOn->is_array()) fail(at + "/joinOn", "expected an array of reference names");
          for (std::size_t i = 0; i < joinOn->size(); ++i) {
            if (!(*joinOn)[i].is_string()) {
              fail(fmt::format("{}/joinOn/{}", at, i), "expected a reference name");
            }
            t.joinOn.push_back((*joinOn)[i].get<std::string>());
          }
        }
        return;
      case TaskKind::DoWhile:
        t.loopCondition = text(in, "loopCondition", at, true);
        t.loopOver = nested(array(in, "loopOver", at), at + "/loopOver");
        return;
      case TaskKind::SubWorkflow: return readSub(t, in, at);
      case TaskKind::Wait:
      case TaskKind::Human: return readWait(t, at);
      case TaskKind::Inline: {
        const std::string evaluator = text(t.inputParameters, "evaluatorType",
                                           at + "/inputParameters", true);
        if (evaluator != "javascript" && evaluator != "graaljs") {
          fail(at + "/inputParameters/evaluatorType",
               "expected \"javascript\" (or \"graaljs\"), got \"" + quoteInput(evaluator) + "\"");
        }
        t.expression = text(t.inputParameters, "expression", at + "/inputParameters", true);
        return;
      }
      case TaskKind::JsonJq:
        t.expression = text(t.inputParameters, "queryExpression", at + "/inputParameters", true);
        return;
      case TaskKind::Terminate: {
        const std::string status = text(t.inputParameters, "terminationStatus",
                                        at + "/inputParameters", true);
        if (status != "COMPLETED" && status != "FAILED" && status != "TERMINATED") {
          fail(at + "/inputParameters/terminationStatus",
               "expected \"COMPLETED\", \"FAILED\" or \"TERMINATED\", got \"" +
                   quoteInput(status) + "\"");
        }
        return;
      }
      case TaskKind::Event: {
        t.sink = text(in, "sink", at, true);
        const auto colon = t.sink.rfind(':');
        const std::string event = colon == std::string::npos ? t.sink : t.sink.substr(colon + 1);
        if (auto problem = checkName(event, limits::kMaxNameBytes)) {
          fail(at + "/sink", "the event name after ':' " + *problem);
        }
        t.sink = event;
        return;
      }
      case TaskKind::Http: {
        const Json* call = field(t.inputParameters, "http_request");
        const std::string at2 = at + "/inputParameters/http_request";
        if (!call || !call->is_object()) fail(at2, "expected the request: {uri, method, ...}");
        const std::string uri = text(*call, "uri", at2, true);
        if (uri.find("${") == std::string::npos && !uri.starts_with("http://") &&
            !uri.starts_with("https://")) {
          fail(at2 + "/uri", "expected an http:// or https:// URL, got \"" + quoteInput(uri) + "\"");
        }
        return;
      }
      case TaskKind::SetVariable: return;
    }
  }

  void readSimple(WorkflowTask& t, const Json& in, const std::string& at) {
    t.actor = in.contains("actor") ? text(in, "actor", at, true) : t.name + "#1";
    if (auto problem = checkActorId(t.actor)) fail(at + "/actor", *problem);
    if (workflowOfActor(t.actor)) fail(at + "/actor", "name workflows in a SUB_WORKFLOW task");
    t.method = in.contains("method") ? name(in, "method", at) : "execute";
    if (const Json* args = field(in, "args")) {
      if (!args->is_array()) fail(at + "/args", "expected an array of arguments");
      t.args = *args;
    }
    if (const Json* options = field(in, "options")) {
      try {
        t.options = options->get<CallOptions>();
      } catch (const JsonError& error) {
        fail(at + "/options", error.message());
      }
    }
    // Conductor's pollTimeoutSeconds: how long it may wait for a poll (unless options say).
    auto pollMs = secondsMs(in, "pollTimeoutSeconds", at);
    if (!t.options.scheduleToStartMs) t.options.scheduleToStartMs = pollMs;
  }

  void readSwitch(WorkflowTask& t, const Json& in, const std::string& at) {
    if (in.contains("caseValueParam") || in.contains("caseExpression")) {  // DECISION
      t.evaluatorType = in.contains("caseValueParam") ? "value-param" : "javascript";
      t.expression = text(in, in.contains("caseValueParam") ? "caseValueParam" : "caseExpression",
                          at, true);
    } else {
      t.evaluatorType = text(in, "evaluatorType", at, true);
      if (t.evaluatorType == "graaljs") t.evaluatorType = "javascript";
      if (t.evaluatorType != "value-param" && t.evaluatorType != "javascript") {
        fail(at + "/evaluatorType", "expected \"value-param\" or \"javascript\", got \"" +
                                        quoteInput(t.evaluatorType) + "\"");
      }
      t.expression = text(in, "expression", at, true);
    }
    const Json* cases = field(in, "decisionCases");
    if (!cases || !cases->is_object()) {
      fail(at + "/decisionCases", "expected an object of task lists by case value");
    }
    for (const auto& [value, tasks] : cases->items()) {
      t.decisionCases[value] = nested(tasks, at + "/decisionCases/" + pointerToken(value));
    }
    if (const Json* fallback = field(in, "defaultCase")) {
      if (!fallback->empty()) t.defaultCase = nested(*fallback, at + "/defaultCase");
    }
  }

  void readSub(WorkflowTask& t, const Json& in, const std::string& at) {
    const Json* param = field(in, "subWorkflowParam");
    if (!param || !param->is_object()) fail(at + "/subWorkflowParam", "expected an object");
    const std::string p = at + "/subWorkflowParam";
    if (param->contains("actor")) {  // a code-first decider
      t.actor = text(*param, "actor", p, true);
      if (auto problem = checkActorId(t.actor)) fail(p + "/actor", *problem);
      t.method = param->contains("method") ? name(*param, "method", p) : "start";
      if (const Json* args = field(in, "args")) {
        if (!args->is_array()) fail(at + "/args", "expected an array of arguments");
        t.args = *args;
      }
      return;
    }
    t.subName = name(*param, "name", p);
    if (t.subName.find('#') != std::string::npos) fail(p + "/name", "must not contain '#'");
    if (const Json* version = field(*param, "version")) {
      if (!version->is_number_integer() || version->get<std::int64_t>() < 1 ||
          version->get<std::int64_t>() > 1'000'000'000) {
        fail(p + "/version", "expected a version number from 1");
      }
      t.subVersion = version->get<int>();
    }
  }

  void readWait(WorkflowTask& t, const std::string& at) {
    const std::string p = at + "/inputParameters";
    const Json& input = t.inputParameters;
    if (const Json* timeout = field(input, "timeout")) {
      auto ms = parseDurationMs(*timeout);
      if (!ms || *ms > limits::kMaxTimeoutMs) fail(p + "/timeout", "expected a duration such as \"30s\"");
      t.timeoutMs = *ms;
    }
    if (t.kind == TaskKind::Human) return;
    if (const Json* duration = field(input, "duration")) {
      if (duration->is_string() && duration->get<std::string>().find("${") != std::string::npos) {
        return;
      }
      auto ms = parseDurationMs(*duration);
      if (!ms || *ms < 1 || *ms > limits::kMaxTimeoutMs) {
        fail(p + "/duration", "expected a duration from 1 ms to 30 days, such as \"10s\" or "
                              "\"1 days 2 hours\"");
      }
    }
    if (field(input, "event")) name(input, "event", p);
  }

  std::vector<WorkflowTask> nested(const Json& tasks, const std::string& at) {
    if (!tasks.is_array()) fail(at, "expected an array of tasks, got " + describeJson(tasks));
    if (tasks.empty()) return {};
    return list(tasks, at);
  }

  std::set<std::string> refs_;
};

void index(WorkflowDef& def, const std::vector<WorkflowTask>& tasks, const std::string& at) {
  def.lists[at] = &tasks;
  for (const WorkflowTask& t : tasks) {
    def.byRef[t.ref] = &t;
    for (const auto& [value, list] : t.decisionCases) {
      index(def, list, t.pointer + "/decisionCases/" + pointerToken(value));
    }
    index(def, t.defaultCase, t.pointer + "/defaultCase");
    for (std::size_t i = 0; i < t.forkTasks.size(); ++i) {
      index(def, t.forkTasks[i], fmt::format("{}/forkTasks/{}", t.pointer, i));
    }
    index(def, t.loopOver, t.pointer + "/loopOver");
  }
}

}  // namespace

std::string_view taskKindName(TaskKind kind) {
  for (const KindName& known : kKinds) {
    if (known.kind == kind) return known.name;
  }
  return "?";
}

std::string WorkflowDef::actor() const {
  return fmt::format("{}{}#{}", kWorkflowActorPrefix, name, version);
}

const std::vector<WorkflowTask>& WorkflowDef::list(std::string_view pointer) const {
  auto found = lists.find(pointer);
  PLEDGE_REQUIRE(found != lists.end(), "workflow {}: no task list at \"{}\"", actor(), pointer);
  return *found->second;
}

std::unique_ptr<const WorkflowDef> parseWorkflow(const Json& source) {
  if (!source.is_object()) fail("", "expected a workflow object, got " + describeJson(source));
  auto def = std::make_unique<WorkflowDef>();
  def->source = source;
  def->name = name(source, "name", "");
  if (def->name.find('#') != std::string::npos) fail("/name", "must not contain '#'");
  if (const Json* version = field(source, "version")) {
    if (!version->is_number_integer() || version->get<std::int64_t>() < 1 ||
        version->get<std::int64_t>() > 1'000'000'000) {
      fail("/version", "expected a version number from 1, got " + describeJson(*version));
    }
    def->version = version->get<int>();
  }
  def->description = text(source, "description", "", false);
  if (const Json* inputs = field(source, "inputParameters")) {
    if (!inputs->is_array()) fail("/inputParameters", "expected an array of names");
    for (std::size_t i = 0; i < inputs->size(); ++i) {
      if (!(*inputs)[i].is_string()) fail(fmt::format("/inputParameters/{}", i), "expected a name");
      def->inputParameters.push_back((*inputs)[i].get<std::string>());
    }
  }
  if (const Json* outputs = field(source, "outputParameters")) {
    if (!outputs->is_object()) fail("/outputParameters", "expected an object");
    def->outputParameters = *outputs;
  }
  // timeoutSeconds is a deadline under TIME_OUT_WF (Conductor's default ALERT_ONLY only alerts).
  const std::string policy = text(source, "timeoutPolicy", "", false);
  if (!policy.empty() && policy != "TIME_OUT_WF" && policy != "ALERT_ONLY") {
    fail("/timeoutPolicy", "expected TIME_OUT_WF or ALERT_ONLY, got " + quoteInput(policy));
  }
  if (policy == "TIME_OUT_WF") def->deadlineMs = secondsMs(source, "timeoutSeconds", "");
  Reader reader;
  def->tasks = reader.list(array(source, "tasks", ""), "/tasks");
  index(*def, def->tasks, "/tasks");
  checkReferences(*def);
  return def;
}

}  // namespace pledge::server::workflow
