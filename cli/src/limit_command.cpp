// pledge limit set|list|clear (docs/operations.md, "Limits"): the limits on handing out an
// actor's tasks, set at run time over the REST API; their options as typed (addLimitCommands)
// and run through Commands methods (runLimitCommand).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "pledge/cli/table.h"
#include "pledge/task_spec.h"

namespace pledge::cli {
namespace {

std::string number(const Json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  return fmt::format("{:g}", value.get<double>());
}

std::string listName(const Json& limit) {
  const std::string list = limit.value("taskList", "");
  return list.empty() ? "(all)" : list;
}

}  // namespace

std::string limitText(const Json& limit) {
  std::vector<std::string> parts;
  if (limit.value("maxRunning", Json()).is_number()) {
    parts.push_back(number(limit["maxRunning"]) + " at once");
  }
  if (limit.value("perSecond", Json()).is_number()) {
    std::string rate = number(limit["perSecond"]) + "/s";
    if (limit.value("burst", Json()).is_number()) rate += " burst " + number(limit["burst"]);
    parts.push_back(rate);
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

void addLimitCommands(CLI::App& app, LimitCommandLine& line) {
  line.group = app.add_subcommand(
      "limit", "limits on handing out an actor's tasks: at once, and per second");
  line.group->require_subcommand(1);
  line.set = line.group->add_subcommand(
      "set", "set (replace) the limit of ACTOR, or of one of its task lists");
  line.set->add_option("actor", line.actor, "Name#version")->required();
  line.set->add_option("--task-list", line.taskList, "only this task list (default: all)");
  line.maxRunning = line.set->add_option("--max-running", line.maxRunningValue,
                                         "tasks handed out and not yet released, at most");
  line.perSecond = line.set->add_option("--per-second", line.perSecondValue,
                                        "tasks handed out per second, at most (token bucket)");
  line.burst = line.set->add_option("--burst", line.burstValue,
                                    "tasks handed out at once after a pause (default: the rate)");
  line.list = line.group->add_subcommand("list", "every limit, with what runs against it");
  line.clear = line.group->add_subcommand("clear", "clear the limit of ACTOR (or a task list)");
  line.clear->add_option("actor", line.actor, "Name#version")->required();
  line.clear->add_option("--task-list", line.taskList, "the limit of this task list");
}

std::optional<int> runLimitCommand(const LimitCommandLine& line, Commands& commands) {
  if (line.set != nullptr && line.set->parsed()) {
    if (auto problem = checkActorId(line.actor)) throw UsageError("ACTOR: " + *problem);
    Json limit = {{"actor", line.actor}, {"taskList", line.taskList}};
    if (line.maxRunning->count() > 0) limit["maxRunning"] = line.maxRunningValue;
    if (line.perSecond->count() > 0) limit["perSecond"] = line.perSecondValue;
    if (line.burst->count() > 0) limit["burst"] = line.burstValue;
    if (!limit.contains("maxRunning") && !limit.contains("perSecond")) {
      throw UsageError("limit set: give --max-running, --per-second or both");
    }
    return commands.setLimit(limit);
  }
  if (line.list != nullptr && line.list->parsed()) return commands.listLimits();
  if (line.clear != nullptr && line.clear->parsed()) {
    if (auto problem = checkActorId(line.actor)) throw UsageError("ACTOR: " + *problem);
    return commands.clearLimit(line.actor, line.taskList);
  }
  return std::nullopt;
}

int Commands::setLimit(const Json& limit) {
  Json applied = client_.setLimit(limit);
  if (json_) {
    out_ << applied.dump(2) << "\n";
  } else {
    out_ << fmt::format("{} {}: {}\n", applied.value("actor", ""), listName(applied),
                        limitText(applied));
  }
  return kExitOk;
}

int Commands::listLimits() {
  Json limits = client_.limits();
  if (json_) {
    out_ << limits.dump(2) << "\n";
    return kExitOk;
  }
  if (limits.empty()) {
    out_ << "no limits: every actor's tasks are handed out as fast as they are polled\n";
    return kExitOk;
  }
  Table table({"ACTOR", "TASK LIST", "LIMIT", "RUNNING", "HELD POLLS"});
  for (const Json& limit : limits) {
    table.add({limit.value("actor", ""), listName(limit), limitText(limit),
               std::to_string(limit.value("running", std::int64_t{0})),
               std::to_string(limit.value("heldTotal", std::int64_t{0}))});
  }
  out_ << table.render();
  return kExitOk;
}

int Commands::clearLimit(const std::string& actor, const std::string& taskList) {
  Json answer = client_.clearLimit(actor, taskList);
  if (json_) {
    out_ << answer.dump(2) << "\n";
  } else if (answer.value("cleared", false)) {
    out_ << fmt::format("{} {}: limit cleared\n", actor, taskList.empty() ? "(all)" : taskList);
  } else {
    out_ << fmt::format("{} {}: had no limit\n", actor, taskList.empty() ? "(all)" : taskList);
  }
  return kExitOk;
}

}  // namespace pledge::cli
