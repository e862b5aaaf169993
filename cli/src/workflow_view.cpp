#include "pledge/cli/workflow_view.h"

#include <fmt/format.h>

#include <vector>

namespace pledge::cli {
namespace {

// One line of the tree and the lines under it.
struct Node {
  std::string line;
  std::vector<Node> children;
};

std::string text(const Json& value, const char* key) {
  if (!value.is_object()) return "";
  auto it = value.find(key);
  return it == value.end() || !it->is_string() ? std::string() : it->get<std::string>();
}

const Json& member(const Json& value, const char* key) {
  static const Json kNull;
  if (!value.is_object()) return kNull;
  auto it = value.find(key);
  return it == value.end() ? kNull : *it;
}

// An expression on one line, at most width code points (longer ones end in "…").
std::string brief(const std::string& expression, std::size_t width = 60) {
  std::string flat;
  for (char c : expression) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (space && (flat.empty() || flat.back() == ' ')) continue;
    flat.push_back(space ? ' ' : c);
  }
  while (!flat.empty() && flat.back() == ' ') flat.pop_back();
  std::size_t points = 0;
  for (std::size_t i = 0; i < flat.size(); ++i) {
    if ((static_cast<unsigned char>(flat[i]) & 0xC0) == 0x80) continue;
    if (++points == width) return flat.substr(0, i) + "…";
  }
  return flat;
}

// "a, b, c": the keys of an object, or the strings of an array.
std::string names(const Json& value) {
  std::string out;
  auto add = [&](const std::string& one) { out += (out.empty() ? "" : ", ") + one; };
  if (value.is_object()) {
    for (const auto& [key, ignored] : value.items()) add(key);
  } else if (value.is_array()) {
    for (const Json& item : value) add(item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out;
}

std::vector<Node> listNodes(const Json& tasks);

// What a task does, after its type and reference name.
std::string detailOf(const std::string& type, const Json& task) {
  const Json& input = member(task, "inputParameters");
  if (type == "SIMPLE") {
    std::string actor = text(task, "actor");
    if (actor.empty()) actor = text(task, "name") + "#1";
    const std::string method = text(task, "method");
    return method.empty() || method == "execute" ? actor : actor + "." + method;
  }
  if (type == "SWITCH" || type == "DECISION") {
    if (task.contains("caseValueParam")) return "value-param " + text(task, "caseValueParam");
    if (task.contains("caseExpression")) {
      return "javascript " + brief(text(task, "caseExpression"));
    }
    std::string evaluator = text(task, "evaluatorType");
    if (evaluator == "graaljs") evaluator = "javascript";
    return evaluator + " " + brief(text(task, "expression"));
  }
  if (type == "FORK_JOIN_DYNAMIC") {
    return fmt::format("a branch per task in input \"{}\"", text(task, "dynamicForkTasksParam"));
  }
  if (type == "JOIN") {
    const std::string on = names(member(task, "joinOn"));
    return on.empty() ? "" : "on " + on;
  }
  if (type == "DO_WHILE") return "while " + brief(text(task, "loopCondition"));
  if (type == "SUB_WORKFLOW") {
    const Json& sub = member(task, "subWorkflowParam");
    if (!text(sub, "actor").empty()) {
      const std::string method = text(sub, "method");
      return text(sub, "actor") + (method.empty() ? ".start" : "." + method);
    }
    const Json& version = member(sub, "version");
    return "workflow:" + text(sub, "name") +
           (version.is_number_integer() ? "#" + version.dump() : " (latest)");
  }
  if (type == "WAIT") {
    for (const char* key : {"duration", "until", "event"}) {
      const Json& value = member(input, key);
      if (!value.is_null()) {
        return fmt::format("{} {}", key,
                           value.is_string() ? value.get<std::string>() : value.dump());
      }
    }
    return "";
  }
  if (type == "INLINE") return brief(text(input, "expression"));
  if (type == "JSON_JQ_TRANSFORM") return brief(text(input, "queryExpression"));
  if (type == "SET_VARIABLE") {
    const std::string set = names(input);
    return set.empty() ? "" : "sets " + set;
  }
  if (type == "TERMINATE") return text(input, "terminationStatus");
  if (type == "EVENT") return "sink " + text(task, "sink");
  return "";
}

// A labelled branch: its label, and its tasks under it.
Node branch(std::string label, const Json& tasks) {
  Node node{std::move(label), listNodes(tasks)};
  if (node.children.empty()) node.line += "  (no tasks)";
  return node;
}

Node taskNode(const Json& task) {
  if (!task.is_object()) return Node{"? " + brief(task.dump()), {}};
  std::string type = text(task, "type");
  if (type.empty()) type = "SIMPLE";
  std::string line = type + " " + text(task, "taskReferenceName");
  const std::string detail = detailOf(type, task);
  if (!detail.empty()) line += "  " + detail;
  if (member(task, "optional") == Json(true)) line += "  (optional)";
  Node node{std::move(line), {}};
  if (type == "SWITCH" || type == "DECISION") {
    const Json& cases = member(task, "decisionCases");
    if (cases.is_object()) {
      for (const auto& [value, tasks] : cases.items()) {
        node.children.push_back(branch("case " + Json(value).dump(), tasks));
      }
    }
    const Json& fallback = member(task, "defaultCase");
    if (fallback.is_array() && !fallback.empty()) {
      node.children.push_back(branch("default", fallback));
    }
  } else if (type == "FORK_JOIN") {
    const Json& forks = member(task, "forkTasks");
    for (std::size_t i = 0; forks.is_array() && i < forks.size(); ++i) {
      node.children.push_back(branch(fmt::format("branch {}", i + 1), forks[i]));
    }
  } else if (type == "DO_WHILE") {
    node.children = listNodes(member(task, "loopOver"));
  }
  return node;
}

std::vector<Node> listNodes(const Json& tasks) {
  std::vector<Node> nodes;
  if (!tasks.is_array()) return nodes;
  for (const Json& task : tasks) nodes.push_back(taskNode(task));
  return nodes;
}

void draw(const std::vector<Node>& nodes, const std::string& indent, std::string& out) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const bool last = i + 1 == nodes.size();
    out += indent + (last ? "└─ " : "├─ ") + nodes[i].line + "\n";
    draw(nodes[i].children, indent + (last ? "   " : "│  "), out);
  }
}

}  // namespace

std::string renderWorkflow(const Json& definition) {
  const Json& version = member(definition, "version");
  std::string out = fmt::format("workflow:{}#{}", text(definition, "name"),
                                version.is_number_integer() ? version.dump() : "1");
  if (!text(definition, "description").empty()) {
    out += "  " + brief(text(definition, "description"), 80);
  }
  out += "\n";
  const std::string input = names(member(definition, "inputParameters"));
  if (!input.empty()) out += "input: " + input + "\n";
  const std::string output = names(member(definition, "outputParameters"));
  if (!output.empty()) out += "output: " + output + "\n";
  out += "\n";
  draw(listNodes(member(definition, "tasks")), "", out);
  return out;
}

}  // namespace pledge::cli
