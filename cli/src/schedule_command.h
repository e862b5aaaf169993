// pledge schedule: the command group of schedules (docs/operations.md "Schedules"). create and
// replace take a schedule's definition (--cron, --tz, --overlap, --catchup, --jitter, --note,
// --paused) and the process each fire starts, typed as for pledge start (ACTOR [METHOD]
// [ARGS_JSON], --input/--input-file for a workflow:NAME actor, --task-list); list, show, pause,
// resume, trigger and delete take the schedule's id. Each runs through a Commands method
// (schedule_command.cpp).
//
//   ScheduleCommandLine schedules;
//   addScheduleCommands(app, schedules);
//   ... app.parse(argc, argv) ...
//   if (auto status = runScheduleCommand(schedules, commands)) return *status;
#pragma once

#include <optional>
#include <string>

#include "commands.h"
#include "start_arguments.h"

namespace CLI {
class App;
}  // namespace CLI

namespace pledge::cli {

// pledge schedule create|replace ID --cron RULE ... ACTOR [METHOD] [ARGS_JSON], as typed.
struct ScheduleDefinitionLine {
  CLI::App* command = nullptr;
  std::string id;
  std::string cron;
  std::string timeZone = "UTC";
  std::string overlap = "skip";
  std::string catchup;
  std::string jitter;
  std::string note;
  bool paused = false;
  StartLine start;
};

struct ScheduleCommandLine {
  CLI::App* group = nullptr;
  ScheduleDefinitionLine create;
  ScheduleDefinitionLine replace;
  CLI::App* list = nullptr;
  CLI::App* show = nullptr;
  CLI::App* pause = nullptr;
  CLI::App* resume = nullptr;
  CLI::App* trigger = nullptr;
  CLI::App* remove = nullptr;
  // The id of show, pause, resume, trigger and delete.
  std::string id;
};

// Adds the schedule command group and its subcommands to app.
void addScheduleCommands(CLI::App& app, ScheduleCommandLine& line);

// The schedule line defines (call after parsing). UsageError for a bad --overlap, --catchup or
// --jitter, or a start pledge start would refuse.
Schedule scheduleOf(ScheduleDefinitionLine& line);

// Runs the parsed schedule subcommand through commands; nullopt when none was parsed.
std::optional<int> runScheduleCommand(ScheduleCommandLine& line, Commands& commands);

}  // namespace pledge::cli
