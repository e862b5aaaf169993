// The checks of a definition that look across its tasks (references and template paths), and
// the small readers of values inside one (durations, actor ids of workflows).
#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "pledge/duration.h"
#include "pledge/limits.h"
#include "pledge/text.h"
#include "pledge/server/workflow/templates.h"
#include "workflow/definition_checks.h"

namespace pledge::server::workflow {
namespace {

constexpr std::string_view kWorkflowKeys[] = {"input", "variables", "workflowId", "correlationId",
                                             "workflowType", "version", "status", "output"};
constexpr std::string_view kTaskKeys[] = {"input", "output", "status", "reasonForIncompletion",
                                         "taskId", "iteration"};

[[noreturn]] void fail(const std::string& pointer, const std::string& detail) {
  throw WorkflowError(pointer, detail);
}

void checkTemplates(const WorkflowDef& def, const Json& value, const std::string& at) {
  for (const TemplateUse& use : templatesIn(value)) {
    const std::string where = at + use.pointer;
    std::vector<Json> keys;
    try {
      keys = splitTemplatePath(use.path);
    } catch (const Error& error) {
      fail(where, error.message());
    }
    const std::string root = keys[0].is_string() ? keys[0].get<std::string>() : "";
    const std::string second = keys.size() > 1 && keys[1].is_string() ? keys[1].get<std::string>()
                                                                         : "";
    const std::span<const std::string_view> allowed =
        root == "workflow" ? std::span<const std::string_view>(kWorkflowKeys)
                           : std::span<const std::string_view>(kTaskKeys);
    if (root != "workflow" && !def.byRef.contains(root)) {
      fail(where, "${" + use.path + "}: no task has the reference name \"" + quoteInput(root) +
                      "\"");
    }
    if (keys.size() > 1 && std::find(allowed.begin(), allowed.end(), second) == allowed.end()) {
      fail(where, "${" + use.path + "}: \"" + quoteInput(second) + "\" is not a field of " +
                      (root == "workflow" ? "the workflow" : "a task"));
    }
    if (root == "workflow" && second == "input" && keys.size() > 2 && keys[2].is_string() &&
        !def.inputParameters.empty() &&
        std::find(def.inputParameters.begin(), def.inputParameters.end(), keys[2]) ==
            def.inputParameters.end()) {
      fail(where, "${" + use.path + "}: \"" + keys[2].get<std::string>() +
                      "\" is not one of the workflow's inputParameters");
    }
  }
}

}  // namespace

void checkReferences(const WorkflowDef& def) {
  for (const auto& [ref, t] : def.byRef) {
    Json templated = t->inputParameters;
    if (t->kind == TaskKind::Inline) templated.erase("expression");
    if (t->kind == TaskKind::JsonJq) templated.erase("queryExpression");
    checkTemplates(def, templated, t->pointer + "/inputParameters");
    if (t->args) checkTemplates(def, *t->args, t->pointer + "/args");
    for (std::size_t i = 0; i < t->joinOn.size(); ++i) {
      if (!def.byRef.contains(t->joinOn[i])) {
        fail(fmt::format("{}/joinOn/{}", t->pointer, i),
             "no task has the reference name \"" + quoteInput(t->joinOn[i]) + "\"");
      }
    }
    if (t->kind == TaskKind::Switch && t->evaluatorType == "value-param" &&
        !t->inputParameters.contains(t->expression)) {
      fail(t->pointer + "/expression", "\"" + quoteInput(t->expression) +
                                           "\" is not one of the task's inputParameters");
    }
    if (t->kind == TaskKind::ForkJoinDynamic) {
      for (const std::string& param : {t->dynamicTasksParam, t->dynamicInputsParam}) {
        if (!t->inputParameters.contains(param)) {
          fail(t->pointer + "/inputParameters", "\"" + param + "\" (named by the task) is missing");
        }
      }
    }
  }
  if (def.outputParameters) checkTemplates(def, *def.outputParameters, "/outputParameters");
}


std::optional<std::pair<std::string, int>> workflowOfActor(std::string_view actor) {
  if (!actor.starts_with(kWorkflowActorPrefix)) return std::nullopt;
  actor.remove_prefix(kWorkflowActorPrefix.size());
  const auto hash = actor.rfind('#');
  if (hash == std::string_view::npos || hash == 0 || hash + 1 == actor.size()) return std::nullopt;
  int version = 0;
  for (char c : actor.substr(hash + 1)) {
    if (c < '0' || c > '9' || version > 100'000'000) return std::nullopt;
    version = version * 10 + (c - '0');
  }
  if (version < 1) return std::nullopt;
  return std::pair{std::string(actor.substr(0, hash)), version};
}

std::string pointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::optional<std::int64_t> parseDurationMs(const Json& value, std::int64_t maxMs) {
  if (value.is_number_integer()) {
    const auto seconds = value.get<std::int64_t>();
    if (seconds < 0 || seconds > limits::kMaxTimeoutMs / 1000 || seconds > maxMs / 1000) {
      return std::nullopt;
    }
    return seconds * 1000;
  }
  if (!value.is_string()) return std::nullopt;
  return parseDurationText(value.get_ref<const std::string&>(), maxMs);
}

}  // namespace pledge::server::workflow
