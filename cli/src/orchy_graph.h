// An Orchy workflow read and checked as a graph of actions: each action's kind, its fields and
// its outcomes (which action follows on which outcome), with the post-dominators that tell where
// branches meet again. orchy_import.cpp turns it into Conductor tasks.
//
//   orchy::Graph graph = orchy::Graph::read(document);  // throws OrchyImportError
//   std::optional<std::int64_t> meet = graph.join(3);   // where the branches of action 3 meet
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/json.h"

namespace pledge::cli::orchy {

enum class Kind { User, Javascript, JsonMapper, Switch, Delay, Wait };

// "a user action", "a switch action", ...: for messages.
std::string describeKind(Kind kind);
// Whether Orchy keeps an output of the action for later ones ($.<id>.output).
bool hasOutput(Kind kind);

// base + "/" + token, token escaped as RFC 6901 wants ("~" as "~0", "/" as "~1").
std::string pointerTo(const std::string& base, std::string_view token);
// Throws OrchyImportError(pointer, detail).
[[noreturn]] void fail(const std::string& pointer, std::string detail);

// One entry of an action's next: on outcome key, target runs (nullopt: the path ends there).
struct Outcome {
  std::string key;
  std::optional<std::int64_t> target;
  std::string pointer;  // of next/<key>, or of next (or the action) for an implied outcome
};

struct Action {
  std::int64_t id = 0;
  Kind kind = Kind::User;
  std::string name;
  std::string pointer;               // "/actions/<index>"
  Json parameters = Json::object();  // user, jsonmapper
  std::string expression;            // javascript, switch
  std::int64_t delaySeconds = 0;     // delay
  std::string event;                 // wait
  std::int64_t timeoutSeconds = 0;   // wait; 0: no time-out
  // user, javascript, jsonmapper, delay: "default" only. switch: its cases in key order, then
  // "default" (implied, ending the path, when next has none). wait: the event, then "default"
  // (the time-out).
  std::vector<Outcome> outcomes;
};

// An immutable, checked Orchy workflow: every next names an action, no action runs in parallel
// with another (fork), there is no cycle and every action is reachable from the root.
class Graph {
 public:
  // Reads an Orchy workflow document; throws OrchyImportError at the first bad field.
  static Graph read(const Json& document);

  const std::string& name() const { return name_; }
  std::int64_t root() const { return root_; }
  bool has(std::int64_t id) const { return actions_.count(id) > 0; }
  const Action& action(std::int64_t id) const { return actions_.at(id); }
  // The first action that every path from id passes through after it (its immediate
  // post-dominator); nullopt when some path ends before meeting the others.
  std::optional<std::int64_t> join(std::int64_t id) const;

 private:
  void readActions(const Json& actions);
  void checkPaths();
  void visit(std::int64_t id, std::map<std::int64_t, int>& state);

  std::string name_;
  std::int64_t root_ = 0;
  std::map<std::int64_t, Action> actions_;
  std::map<std::int64_t, std::set<std::int64_t>> postDominators_;
};

}  // namespace pledge::cli::orchy
