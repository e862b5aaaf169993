#include "replay.h"

#include <dtl/dtl.hpp>
#include <fmt/format.h>

#include <map>
#include <sstream>
#include <string_view>
#include <vector>

namespace pledge::cli {
namespace {

using Places = std::map<std::string, std::string>;

// Every {"promise": id} (and a "promise" outcome) naming a new task of the decision becomes
// its place.
void replaceIds(Json& value, const Places& places) {
  if (value.is_object()) {
    for (auto& [key, item] : value.items()) {
      if (key == "promise" && item.is_string()) {
        auto place = places.find(item.get<std::string>());
        if (place != places.end()) item = place->second;
      } else {
        replaceIds(item, places);
      }
    }
  } else if (value.is_array()) {
    for (Json& item : value) replaceIds(item, places);
  }
}

// One task as compared: its place, what it calls, its arguments and its options.
Json comparableTask(const TaskSpec& spec, const std::string& place) {
  Json options = spec.options;
  if (options.contains("startTime")) options["startTime"] = "set";
  if (options.value("priority", Json(0)) == Json(0)) options.erase("priority");
  if (options.value("taskList", Json("")) == Json("")) options.erase("taskList");
  Json args = Json::array();
  for (const ArgSpec& arg : spec.args) args.push_back(arg);
  return {{"task", place},
          {"call", fmt::format("{}.{}", spec.actor, spec.method)},
          {"type", spec.type},
          {"args", std::move(args)},
          {"options", std::move(options)}};
}

Json comparable(const std::vector<TaskSpec>& tasks, const Json& outcome) {
  Places places;
  for (std::size_t n = 0; n < tasks.size(); ++n) {
    places.emplace(tasks[n].taskId.toString(), fmt::format("new task {}", n + 1));
  }
  Json created = Json::array();
  for (const TaskSpec& task : tasks) {
    created.push_back(comparableTask(task, places.at(task.taskId.toString())));
  }
  Json decision = {{"outcome", outcome}, {"tasks", std::move(created)}};
  replaceIds(decision, places);
  return decision;
}

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

Json comparableDecision(const Decision& decision) {
  Json outcome;
  if (decision.error) {
    const TaskError& error = *decision.error;
    outcome = {{"error", {{"type", error.type()}, {"message", error.message()}}}};
  } else if (decision.promise) {
    outcome = {{"promise", decision.promise->toString()}};
  } else {
    outcome = {{"result", decision.result}};
  }
  return comparable(decision.tasks, outcome);
}

Json comparableDecision(const Json& recorded, const Decision& replayed) {
  std::vector<TaskSpec> tasks = recorded.at("tasks").get<std::vector<TaskSpec>>();
  for (std::size_t n = 0; n < tasks.size(); ++n) {
    if (n >= replayed.tasks.size() || !replayed.tasks[n].options.timeoutMs) {
      tasks[n].options.timeoutMs.reset();
    }
  }
  Json outcome;
  if (recorded.contains("error")) {
    const Json& error = recorded["error"];
    outcome = {{"error",
                {{"type", error.value("type", "")}, {"message", error.value("message", "")}}}};
  } else if (recorded.contains("promise")) {
    outcome = {{"promise", recorded["promise"]}};
  } else {
    outcome = {{"result", recorded.value("result", Json())}};
  }
  return comparable(tasks, outcome);
}

std::string unifiedDiff(const std::string& before, const std::string& after) {
  if (before == after) return "";
  std::vector<std::string> a = linesOf(before);
  std::vector<std::string> b = linesOf(after);
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream out;
  out << "--- recorded\n+++ replayed\n";
  diff.printUnifiedFormat(out);
  return out.str();
}

}  // namespace pledge::cli
