// Reading an Orchy workflow: the fields Orchy's model.Workflow and model.ActionDef have, the
// checks Orchy's metadata service makes when a workflow is registered, and the ones Conductor's
// nested lists need (no fork, no cycle, nothing unreachable).
#include "orchy_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <iterator>
#include <utility>

#include "orchy_import.h"

namespace pledge::cli::orchy {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The core readers (readString, readInt), their JsonError located at pointer.
template <typename Reader>
auto readAt(const Json& value, const std::string& pointer, Reader reader) {
  try {
    return reader(value);
  } catch (const JsonError& error) {
    fail(pointer, error.detail());
  }
}

const Json* optional(const Json& object, std::string_view key) {
  auto found = object.find(std::string(key));
  return found == object.end() || found->is_null() ? nullptr : &*found;
}

const Json& required(const Json& object, const std::string& pointer, std::string_view key) {
  const Json* value = optional(object, key);
  if (value == nullptr) fail(pointerTo(pointer, key), "missing");
  return *value;
}

std::string requiredText(const Json& object, const std::string& pointer, std::string_view key) {
  const std::string at = pointerTo(pointer, key);
  std::string text = readAt(required(object, pointer, key), at, readString);
  if (text.empty()) fail(at, "must not be empty");
  return text;
}

void rejectOtherFields(const Json& object, const std::string& pointer,
                       std::initializer_list<std::string_view> known, std::string_view what) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    fail(pointerTo(pointer, key), fmt::format("{} has no field \"{}\"", what, key));
  }
}

Kind kindOf(const Json& object, const std::string& pointer) {
  const std::string type = requiredText(object, pointer, "type");
  const std::string name = requiredText(object, pointer, "name");
  if (lower(type) == "user") return Kind::User;
  if (lower(type) != "system") {
    fail(pointerTo(pointer, "type"),
         fmt::format("unknown action type '{}': Orchy has 'user' and 'system'", type));
  }
  const std::string system = lower(name);
  if (system == "javascript") return Kind::Javascript;
  if (system == "jsonmapper") return Kind::JsonMapper;
  if (system == "switch") return Kind::Switch;
  if (system == "delay") return Kind::Delay;
  if (system == "wait") return Kind::Wait;
  fail(pointerTo(pointer, "name"),
       fmt::format("unknown system action '{}': Orchy's are switch, delay, wait, javascript "
                   "and jsonmapper",
                   name));
}

// The fields a kind reads besides id, type, name and next; Orchy ignores the others, an import
// refuses them rather than drop them unnoticed.
void rejectUnusedFields(const Json& object, const Action& action) {
  const std::string what = describeKind(action.kind);
  switch (action.kind) {
    case Kind::User:
    case Kind::JsonMapper:
      return rejectOtherFields(object, action.pointer, {"id", "type", "name", "next", "parameters"},
                               what);
    case Kind::Javascript:
    case Kind::Switch:
      return rejectOtherFields(object, action.pointer, {"id", "type", "name", "next", "expression"},
                               what);
    case Kind::Delay:
      return rejectOtherFields(object, action.pointer,
                               {"id", "type", "name", "next", "delaySeconds"}, what);
    case Kind::Wait:
      return rejectOtherFields(object, action.pointer,
                               {"id", "type", "name", "next", "event", "timeoutSeconds"}, what);
  }
}

void readKindFields(const Json& object, Action& action) {
  const std::string& at = action.pointer;
  switch (action.kind) {
    case Kind::User:
    case Kind::JsonMapper:
      if (const Json* parameters = optional(object, "parameters")) {
        if (!parameters->is_object()) {
          fail(pointerTo(at, "parameters"), "expected an object, got " + describeJson(*parameters));
        }
        action.parameters = *parameters;
      }
      return;
    case Kind::Javascript:
    case Kind::Switch:
      action.expression = requiredText(object, at, "expression");
      return;
    case Kind::Delay:
      action.delaySeconds =
          readAt(required(object, at, "delaySeconds"), pointerTo(at, "delaySeconds"), readInt);
      if (action.delaySeconds <= 0) fail(pointerTo(at, "delaySeconds"), "must be positive");
      return;
    case Kind::Wait:
      action.event = requiredText(object, at, "event");
      if (const Json* timeout = optional(object, "timeoutSeconds")) {
        action.timeoutSeconds = readAt(*timeout, pointerTo(at, "timeoutSeconds"), readInt);
        if (action.timeoutSeconds < 0) {
          fail(pointerTo(at, "timeoutSeconds"), "must not be negative");
        }
      }
      return;
  }
}

// next's entry for key: the one action that follows (nullopt for []), or a fork refused.
std::optional<std::int64_t> targetOf(const Json& list, const std::string& pointer) {
  if (!list.is_array()) fail(pointer, "expected an array of action ids, got " + describeJson(list));
  if (list.size() > 1) {
    fail(pointer, fmt::format("{} actions start here in parallel (a fork): Pledge's Conductor "
                              "subset has no FORK_JOIN; chain them or use a switch",
                              list.size()));
  }
  if (list.empty()) return std::nullopt;
  return readAt(list[0], pointerTo(pointer, "0"), readInt);
}

void readOutcomes(const Json& object, Action& action) {
  const std::string at = pointerTo(action.pointer, "next");
  const Json* next = optional(object, "next");
  if (next != nullptr && !next->is_object()) {
    fail(at, "expected an object, got " + describeJson(*next));
  }
  if (next != nullptr && next->empty()) fail(at, "empty: leave next out to end the path here");
  const bool branches = action.kind == Kind::Switch || action.kind == Kind::Wait;
  if (next != nullptr) {
    for (const auto& [key, list] : next->items()) {
      const bool allowed = action.kind == Kind::Switch || key == "default" ||
                           (action.kind == Kind::Wait && key == action.event);
      if (!allowed) {
        fail(pointerTo(at, key),
             fmt::format("{} only goes on to next.default{}, never to next.{}",
                         describeKind(action.kind),
                         action.kind == Kind::Wait ? " or next." + action.event : "", key));
      }
      action.outcomes.push_back({key, targetOf(list, pointerTo(at, key)), pointerTo(at, key)});
    }
  }
  const bool hasDefault = next != nullptr && next->contains("default");
  if (!hasDefault && (action.kind == Kind::Delay || action.kind == Kind::Wait)) {
    fail(next == nullptr ? at : pointerTo(at, "default"),
         fmt::format("missing: Orchy requires next.default of {}", describeKind(action.kind)));
  }
  if (action.kind == Kind::Switch && next == nullptr) fail(at, "missing: a switch needs cases");
  // The order the import emits: a switch's cases then default; a wait's event then time-out.
  auto isDefault = [](const Outcome& outcome) { return outcome.key == "default"; };
  std::stable_partition(action.outcomes.begin(), action.outcomes.end(),
                        [&](const Outcome& outcome) { return !isDefault(outcome); });
  if (branches && !hasDefault) action.outcomes.push_back({"default", std::nullopt, at});
  if (action.kind == Kind::Wait && action.outcomes.front().key != action.event) {
    action.outcomes.insert(action.outcomes.begin(), {action.event, std::nullopt, at});
  }
  if (!branches && action.outcomes.empty()) {
    action.outcomes.push_back({"default", std::nullopt, at});
  }
}

}  // namespace

std::string describeKind(Kind kind) {
  switch (kind) {
    case Kind::User:
      return "a user action";
    case Kind::Javascript:
      return "a javascript action";
    case Kind::JsonMapper:
      return "a jsonmapper action";
    case Kind::Switch:
      return "a switch action";
    case Kind::Delay:
      return "a delay action";
    case Kind::Wait:
      return "a wait action";
  }
  return "an action";
}

bool hasOutput(Kind kind) {
  return kind == Kind::User || kind == Kind::Javascript || kind == Kind::JsonMapper;
}

std::string pointerTo(const std::string& base, std::string_view token) {
  std::string pointer = base + "/";
  for (char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
  return pointer;
}

void fail(const std::string& pointer, std::string detail) {
  throw OrchyImportError(pointer, std::move(detail));
}

Graph Graph::read(const Json& document) {
  if (!document.is_object()) {
    fail("", "expected an Orchy workflow (an object), got " + describeJson(document));
  }
  rejectOtherFields(document, "", {"name", "rootAction", "actions", "onSuccess", "onFailure"},
                    "an Orchy workflow");
  Graph graph;
  graph.name_ = requiredText(document, "", "name");
  for (std::string_view handler : {"onSuccess", "onFailure"}) {
    const Json* value = optional(document, handler);
    if (value == nullptr) continue;
    const std::string text = lower(readAt(*value, pointerTo("", handler), readString));
    if (text != "" && text != "delete" && text != "noop") {
      fail(pointerTo("", handler), "expected DELETE or NOOP, got " + describeJson(*value));
    }
  }
  graph.root_ = readAt(required(document, "", "rootAction"), "/rootAction", readInt);
  graph.readActions(required(document, "", "actions"));
  if (!graph.has(graph.root_)) fail("/rootAction", fmt::format("no action has id {}", graph.root_));
  graph.checkPaths();
  return graph;
}

void Graph::readActions(const Json& actions) {
  if (!actions.is_array()) fail("/actions", "expected an array, got " + describeJson(actions));
  if (actions.empty()) fail("/actions", "a workflow needs at least one action");
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const Json& object = actions[i];
    Action action;
    action.pointer = pointerTo("/actions", std::to_string(i));
    if (!object.is_object()) {
      fail(action.pointer, "expected an object, got " + describeJson(object));
    }
    action.id =
        readAt(required(object, action.pointer, "id"), pointerTo(action.pointer, "id"), readInt);
    if (has(action.id)) {
      fail(pointerTo(action.pointer, "id"),
           fmt::format("duplicate id {} (also {})", action.id, actions_.at(action.id).pointer));
    }
    action.kind = kindOf(object, action.pointer);
    action.name = object.at("name").get<std::string>();
    rejectUnusedFields(object, action);
    readKindFields(object, action);
    readOutcomes(object, action);
    actions_.emplace(action.id, std::move(action));
  }
  for (const auto& [id, action] : actions_) {
    for (const Outcome& outcome : action.outcomes) {
      if (outcome.target && !has(*outcome.target)) {
        fail(pointerTo(outcome.pointer, "0"), fmt::format("no action has id {}", *outcome.target));
      }
    }
  }
}

void Graph::checkPaths() {
  std::map<std::int64_t, int> state;  // 1: on the current path, 2: done
  visit(root_, state);
  // Reported in document order.
  const Action* unreachable = nullptr;
  for (const auto& [id, action] : actions_) {
    if (state.count(id) > 0) continue;
    if (unreachable == nullptr || action.pointer.size() < unreachable->pointer.size() ||
        (action.pointer.size() == unreachable->pointer.size() &&
         action.pointer < unreachable->pointer)) {
      unreachable = &action;
    }
  }
  if (unreachable != nullptr) {
    fail(unreachable->pointer,
         fmt::format("action {} is not reachable from rootAction {}", unreachable->id, root_));
  }
}

// Depth first from id: refuses a next that leads back onto the path, and computes the
// post-dominators of every action once its successors have theirs.
void Graph::visit(std::int64_t id, std::map<std::int64_t, int>& state) {
  state[id] = 1;
  const Action& current = actions_.at(id);
  std::optional<std::set<std::int64_t>> common;
  for (const Outcome& outcome : current.outcomes) {
    if (!outcome.target) {
      common = std::set<std::int64_t>();
      continue;
    }
    const std::int64_t target = *outcome.target;
    if (state[target] == 1) {
      fail(pointerTo(outcome.pointer, "0"),
           fmt::format("cycle: action {} leads back to action {}", id, target));
    }
    if (state[target] == 0) visit(target, state);
    const std::set<std::int64_t>& theirs = postDominators_.at(target);
    if (!common) {
      common = theirs;
      continue;
    }
    std::set<std::int64_t> both;
    std::set_intersection(common->begin(), common->end(), theirs.begin(), theirs.end(),
                          std::inserter(both, both.begin()));
    common = std::move(both);
  }
  std::set<std::int64_t> mine = common.value_or(std::set<std::int64_t>());
  mine.insert(id);
  postDominators_[id] = std::move(mine);
  state[id] = 2;
}

std::optional<std::int64_t> Graph::join(std::int64_t id) const {
  const std::set<std::int64_t>& after = postDominators_.at(id);
  // Every path passes through every post-dominator, so the first one met on any path is the
  // nearest: follow the first outcome.
  std::optional<std::int64_t> current = actions_.at(id).outcomes.front().target;
  while (current) {
    if (*current != id && after.count(*current) > 0) return current;
    current = actions_.at(*current).outcomes.front().target;
  }
  return std::nullopt;
}

}  // namespace pledge::cli::orchy
