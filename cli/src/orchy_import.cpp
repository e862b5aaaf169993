// Orchy actions to Conductor tasks; docs/workflows-orchy.md is the mapping in words.
//
// Structure: Orchy's graph becomes nested lists. A switch (or a wait's outcome) becomes a SWITCH
// whose cases hold the actions of each branch up to the action where every branch meets again
// (the switch's immediate post-dominator, Graph::join); that action and what follows it come
// after the SWITCH, once. An action reached by some branches but not by every one is copied into
// each case that reaches it, its copies' taskReferenceNames suffixed "_2", "_3", ...
//
// Not translatable, refused with the pointer of the field: forks (next lists of several ids),
// JSON paths other than $.input... and $.<id>.output... with .name and [N] steps, references to
// actions that cannot have run yet or that run in several copies, literal strings holding "${"
// (Conductor would read them as templates) and the "{$...}" form, which Orchy passes literally.
#include "orchy_import.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "orchy_graph.h"

namespace pledge::cli {
namespace {

using orchy::Action;
using orchy::fail;
using orchy::Graph;
using orchy::Kind;
using orchy::pointerTo;

// Beyond this many tasks the copies of converging branches are surely not what anyone wants.
constexpr std::size_t kMaxTasks = 10'000;

// Action id -> taskReferenceName of the task that may have run it before the current one; ""
// when copies in several branches may have.
using Scope = std::map<std::int64_t, std::string>;

bool isDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

// The steps of a JSON path "$.a.b[0]": ".a", ".b", "[0]"; refuses what has no Conductor form.
std::vector<std::string> stepsOf(const std::string& path, const std::string& pointer) {
  auto refuse = [&](std::string_view why) {
    fail(pointer, fmt::format("cannot translate the JSON path '{}': {}; Pledge translates "
                              "$.name steps and [N] indexes",
                              path, why));
  };
  std::vector<std::string> steps;
  std::size_t at = 1;
  while (at < path.size()) {
    const char open = path[at];
    if (open != '.' && open != '[') refuse(fmt::format("unexpected '{}'", open));
    const std::size_t start = ++at;
    while (at < path.size() && (open == '.' ? isNameChar(path[at]) : path[at] != ']')) ++at;
    const std::string name = path.substr(start, at - start);
    if (open == '.') {
      if (name.empty()) refuse("an empty name, a wildcard or a deep scan (..)");
      if (at < path.size() && path[at] != '.' && path[at] != '[') {
        refuse(fmt::format("'{}' in a name", path[at]));
      }
      steps.push_back("." + name);
    } else {
      if (at == path.size() || !isDigits(name)) refuse("only [N] with N >= 0 is an index");
      ++at;
      steps.push_back("[" + name + "]");
    }
  }
  return steps;
}

std::string refBase(const Action& action) {
  std::string base;
  for (char c : action.name) base += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  return fmt::format("{}_{}", base, action.id);
}

std::string durationOf(std::int64_t seconds) {
  return fmt::format("{} {}", seconds, seconds == 1 ? "second" : "seconds");
}

// Orchy gives a switch number values as integers ("2" for 2.7), Conductor's value-param as they
// are: when a case is an integer the SWITCH says Orchy's rule in javascript.
constexpr const char* kIntegerSwitch =
    "(function (v) { return typeof v === 'number' ? String(Math.trunc(v)) : v; })"
    "($.switchCaseValue)";

class Translator {
 public:
  explicit Translator(const Graph& graph) : graph_(graph) {}

  Json run() {
    Scope scope;
    Json tasks = chain(graph_.root(), std::nullopt, scope);
    Json workflow = {
        {"name", graph_.name()},
        {"description", fmt::format("Imported from the Orchy workflow {}", graph_.name())},
        {"version", 1},
        {"inputParameters", inputs_},
        {"tasks", std::move(tasks)},
        {"schemaVersion", 2}};
    return workflow;
  }

 private:
  // The tasks of the path from `from` up to (not including) `stop`.
  Json chain(std::optional<std::int64_t> from, std::optional<std::int64_t> stop, Scope& scope) {
    Json tasks = Json::array();
    while (from && from != stop) {
      const Action& action = graph_.action(*from);
      if (action.kind == Kind::Switch || action.kind == Kind::Wait) {
        branch(action, tasks, scope);
        from = graph_.join(action.id);
      } else {
        const std::string ref = newRef(action);
        tasks.push_back(task(action, ref, scope));
        scope[action.id] = ref;
        from = action.outcomes.front().target;
      }
    }
    return tasks;
  }

  std::string newRef(const Action& action) {
    if (++taskCount_ > kMaxTasks) {
      fail("/actions", fmt::format("the Conductor workflow would have more than {} tasks: "
                                   "branches that meet again only in some cases are copied",
                                   kMaxTasks));
    }
    const std::string base = refBase(action);
    std::string ref = base;
    for (int copy = 2; !refs_.insert(ref).second; ++copy) ref = fmt::format("{}_{}", base, copy);
    return ref;
  }

  Json task(const Action& action, const std::string& ref, const Scope& scope) {
    Json task = {{"name", action.name}, {"taskReferenceName", ref}};
    const std::string parameters = pointerTo(action.pointer, "parameters");
    switch (action.kind) {
      case Kind::User:
        task["type"] = "SIMPLE";
        task["inputParameters"] = value(action.parameters, parameters, scope);
        break;
      case Kind::JsonMapper:
        task["type"] = "INLINE";
        task["inputParameters"] = {{"evaluatorType", "javascript"},
                                   {"expression", "$.mapped"},
                                   {"mapped", value(action.parameters, parameters, scope)}};
        break;
      case Kind::Javascript:
        task["type"] = "INLINE";
        task["inputParameters"] = {
            {"evaluatorType", "javascript"},
            {"expression", "(function ($) {\n" + action.expression + "\nreturn $;\n})($.context)"},
            {"context", context(scope)}};
        break;
      default:  // Delay; switch and wait are branch()'s.
        task["type"] = "WAIT";
        task["inputParameters"] = {{"duration", durationOf(action.delaySeconds)}};
        break;
    }
    return task;
  }

  // Orchy runs a javascript action with $ bound to the flow's data: {"input": ..., "<id>":
  // {"output": ...}} for each action that has run; its output is $ once the script has run.
  Json context(const Scope& scope) {
    Json data = {{"input", "${workflow.input}"}};
    for (const auto& [id, ref] : scope) {
      const Action& earlier = graph_.action(id);
      if (ref.empty() || !orchy::hasOutput(earlier.kind)) continue;
      data[std::to_string(id)] = {{"output", outputOf(earlier, ref, "")}};
    }
    return data;
  }

  static std::string outputOf(const Action& action, const std::string& ref,
                              const std::string& rest) {
    const bool inline_ = action.kind == Kind::Javascript || action.kind == Kind::JsonMapper;
    return "${" + ref + (inline_ ? ".output.result" : ".output") + rest + "}";
  }

  // A switch: a SWITCH on its expression. A wait: a WAIT for its event, then a SWITCH on the
  // WAIT's status (COMPLETED: the event came; otherwise the time-out). Each case holds its
  // branch up to where every branch meets; the SWITCH is left out when every case is empty.
  void branch(const Action& action, Json& tasks, Scope& scope) {
    const std::optional<std::int64_t> meet = graph_.join(action.id);
    const std::string ref = newRef(action);
    Json choice = {{"name", action.name}, {"taskReferenceName", ref}, {"type", "SWITCH"}};
    if (action.kind == Kind::Wait) {
      Json wait = {
          {"name", action.name}, {"taskReferenceName", ref}, {"type", "WAIT"}, {"optional", true}};
      wait["inputParameters"] = {{"event", action.event}, {"key", "${workflow.workflowId}"}};
      if (action.timeoutSeconds > 0) {
        wait["inputParameters"]["timeout"] = durationOf(action.timeoutSeconds);
      }
      tasks.push_back(std::move(wait));
      scope[action.id] = ref;
      choice["name"] = action.name + "_outcome";
      choice["taskReferenceName"] = ref + "_outcome";
      refs_.insert(ref + "_outcome");
      choice["evaluatorType"] = "value-param";
      choice["expression"] = "status";
      choice["inputParameters"] = {{"status", "${" + ref + ".status}"}};
    } else {
      scope[action.id] = ref;
      const std::string expression = pointerTo(action.pointer, "expression");
      if (action.expression.front() != '$') {
        fail(expression, "expected a JSON path such as $.1.output.key (Orchy's switch reads one)");
      }
      choice["inputParameters"] = {
          {"switchCaseValue", value(action.expression, expression, scope)}};
      bool integers = false;
      for (const orchy::Outcome& outcome : action.outcomes) {
        const bool negative = outcome.key.size() > 1 && outcome.key.front() == '-';
        integers = integers || isDigits(negative ? outcome.key.substr(1) : outcome.key);
      }
      choice["evaluatorType"] = integers ? "javascript" : "value-param";
      choice["expression"] = integers ? kIntegerSwitch : "switchCaseValue";
    }
    Json cases = Json::object();
    Json otherwise = Json::array();
    bool empty = true;
    Scope merged = scope;
    for (const orchy::Outcome& outcome : action.outcomes) {
      Scope inner = scope;
      Json list = chain(outcome.target, meet, inner);
      empty = empty && list.empty();
      if (outcome.key == "default") {
        otherwise = std::move(list);
      } else {
        cases[action.kind == Kind::Wait ? "COMPLETED" : outcome.key] = std::move(list);
      }
      for (const auto& [id, innerRef] : inner) {
        auto [entry, added] = merged.emplace(id, innerRef);
        if (!added && entry->second != innerRef) entry->second = "";
      }
    }
    scope = std::move(merged);
    if (empty) return;
    choice["decisionCases"] = std::move(cases);
    choice["defaultCase"] = std::move(otherwise);
    tasks.push_back(std::move(choice));
  }

  // An Orchy parameter value as Conductor input: "$..." strings become templates, objects and
  // lists are translated member by member (lists in lists flattened, an empty list null: what
  // Orchy's resolver makes of them).
  Json value(const Json& orchy, const std::string& pointer, const Scope& scope) {
    if (orchy.is_string()) return text(orchy.get<std::string>(), pointer, scope);
    if (orchy.is_object()) {
      Json object = Json::object();
      for (const auto& [key, member] : orchy.items()) {
        object[key] = value(member, pointerTo(pointer, key), scope);
      }
      return object;
    }
    if (!orchy.is_array()) return orchy;
    Json list = Json::array();
    flatten(orchy, pointer, scope, list);
    return list.empty() ? Json() : list;
  }

  void flatten(const Json& orchy, const std::string& pointer, const Scope& scope, Json& list) {
    for (std::size_t i = 0; i < orchy.size(); ++i) {
      const std::string at = pointerTo(pointer, std::to_string(i));
      if (orchy[i].is_array()) {
        flatten(orchy[i], at, scope, list);
      } else {
        list.push_back(value(orchy[i], at, scope));
      }
    }
  }

  std::string text(const std::string& orchy, const std::string& pointer, const Scope& scope) {
    if (orchy.rfind("{$", 0) == 0) {
      fail(pointer, fmt::format("Orchy passes '{}' as it is: only a string starting with '$' is "
                                "a JSON path (write it without the braces)",
                                orchy));
    }
    if (orchy.find("${") != std::string::npos) {
      fail(pointer, "Conductor would read \"${\" in a literal string as a template");
    }
    if (orchy.empty() || orchy.front() != '$') return orchy;
    const std::vector<std::string> steps = stepsOf(orchy, pointer);
    auto restFrom = [&](std::size_t first) {
      std::string rest;
      for (std::size_t i = first; i < steps.size(); ++i) rest += steps[i];
      return rest;
    };
    if (!steps.empty() && steps[0] == ".input") {
      if (steps.size() > 1 && steps[1].front() == '.') inputs_.insert(steps[1].substr(1));
      return "${workflow.input" + restFrom(1) + "}";
    }
    if (steps.empty() || !isDigits(steps[0].substr(1))) {
      fail(pointer, fmt::format("'{}' names nothing Orchy keeps: a path starts with $.input or "
                                "$.<action id>",
                                orchy));
    }
    const std::string digits = steps[0].substr(1);
    std::int64_t id = 0;
    auto [end, problem] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (problem != std::errc() || !graph_.has(id)) {
      fail(pointer, fmt::format("no action has id {}", digits));
    }
    const Action& earlier = graph_.action(id);
    if (!orchy::hasOutput(earlier.kind)) {
      fail(pointer, fmt::format("action {} is {}, which has no output", id,
                                orchy::describeKind(earlier.kind)));
    }
    auto found = scope.find(id);
    if (found == scope.end()) fail(pointer, fmt::format("action {} cannot have run before", id));
    if (found->second.empty()) {
      fail(pointer, fmt::format("action {} is copied into several branches before this one; "
                                "Conductor cannot name the copy that ran",
                                id));
    }
    if (steps.size() < 2 || steps[1] != ".output") {
      fail(pointer, fmt::format("Orchy keeps only $.{}.output of an action", id));
    }
    return outputOf(earlier, found->second, restFrom(2));
  }

  const Graph& graph_;
  std::set<std::string> refs_;
  std::set<std::string> inputs_;
  std::size_t taskCount_ = 0;
};

}  // namespace

OrchyImportError::OrchyImportError(std::string pointer, std::string detail)
    : Error(ErrorCode::BadRequest, pointer.empty() ? detail : pointer + ": " + detail),
      pointer_(std::move(pointer)),
      detail_(std::move(detail)) {}

Json importOrchy(const Json& orchy) {
  const Graph graph = Graph::read(orchy);
  return Translator(graph).run();
}

}  // namespace pledge::cli
