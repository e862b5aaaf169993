// pledge schedule create, replace, list, show, pause, resume, trigger and delete.
#include "schedule_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>

#include "pledge/cli/schedule_view.h"
#include "pledge/duration.h"

namespace pledge::cli {
namespace {

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --catchup and --jitter: a duration up to maxMs ("0" for none).
std::int64_t durationOption(const std::string& text, const char* option, std::int64_t maxMs) {
  if (text.empty() || text == "0") return 0;
  if (auto ms = parseDurationText(text, maxMs)) return *ms;
  throw UsageError(
      fmt::format("{} takes a duration such as 90s, 30m, 1h or 1h 30m (at most {}), "
                  "not \"{}\"",
                  option, durationText(maxMs), text));
}

OverlapPolicy overlapOption(const std::string& text) {
  if (text == "skip") return OverlapPolicy::Skip;
  if (text == "buffer-one" || text == "bufferOne") return OverlapPolicy::BufferOne;
  if (text == "allow") return OverlapPolicy::Allow;
  throw UsageError(fmt::format(
      "--overlap takes skip (no new process while the last one runs), buffer-one (start one when "
      "it ends) or allow (start every fire), not \"{}\"",
      text));
}

// The error of a call about schedule id, with what to do about it.
Error withAdvice(const Error& error, const std::string& id) {
  switch (error.code()) {
    case ErrorCode::NotFound:
      return Error(error.code(),
                   error.message() + " (pledge schedule list shows the schedules there are)");
    case ErrorCode::Conflict:
      return Error(error.code(),
                   error.message() + fmt::format(" (pledge schedule replace {} ... changes its "
                                                 "definition; pledge schedule show {} shows it)",
                                                 id, id));
    case ErrorCode::Unauthenticated:
    case ErrorCode::Forbidden:
      return Error(error.code(), error.message() +
                                     " (changing schedules takes an operator or "
                                     "admin token: --token or $PLEDGE_TOKEN)");
    default:
      return error;
  }
}

void addDefinition(CLI::App& group, ScheduleDefinitionLine& line, const char* name,
                   const char* help) {
  line.command = group.add_subcommand(name, help);
  CLI::App& command = *line.command;
  command.add_option("id", line.id, "the schedule's id: letters, digits, _ . and -")->required();
  command
      .add_option("--cron", line.cron,
                  "when: 5 fields (minute hour day month weekday), 6 (seconds first), @daily, "
                  "@hourly..., or @every 10m; e.g. '0 2 * * *'")
      ->required();
  command.add_option("--tz", line.timeZone, "the rule's IANA time zone, e.g. Europe/Berlin")
      ->capture_default_str();
  command
      .add_option("--overlap", line.overlap,
                  "a fire while the last process runs: skip, buffer-one (start it when that "
                  "ends) or allow")
      ->capture_default_str();
  command.add_option("--catchup", line.catchup,
                     "start fires missed while no server ran, if younger than this (e.g. 1h)");
  command.add_option("--jitter", line.jitter,
                     "delay each fire by a random time up to this (e.g. 30s)");
  command.add_option("--note", line.note, "what the schedule is for");
  command.add_flag("--paused", line.paused, "define it paused: it fires once resumed");
  addStartArguments(command, line.start,
                    fmt::format("pledge schedule {} ID --cron '0 2 * * *'", name),
                    /*indexed=*/false);
}

}  // namespace

Schedule scheduleOf(ScheduleDefinitionLine& line) {
  const StartOptions& typed = line.start.typed();
  Schedule schedule;
  schedule.id = line.id;
  schedule.cron = line.cron;
  schedule.timeZone = line.timeZone;
  schedule.overlap = overlapOption(line.overlap);
  schedule.catchupWindowMs =
      durationOption(line.catchup, "--catchup", schedule_limits::kMaxCatchupWindowMs);
  schedule.jitterMs = durationOption(line.jitter, "--jitter", schedule_limits::kMaxJitterMs);
  schedule.paused = line.paused;
  if (!line.note.empty()) schedule.note = line.note;
  const std::string usage = line.start.usage;
  schedule.start = Json{{"actor", typed.actor},
                        {"method", methodOf(typed, usage)},
                        {"args", argumentsOf(typed).at(0)}};
  if (!typed.taskList.empty()) schedule.start["taskList"] = typed.taskList;
  return schedule;
}

int Commands::saveSchedule(const Schedule& schedule, bool replace) {
  Schedule saved;
  try {
    saved = replace ? client_.replaceSchedule(schedule) : client_.createSchedule(schedule);
  } catch (const Error& error) {
    throw withAdvice(error, schedule.id);
  }
  if (json_) {
    out_ << Json(saved).dump(2) << "\n";
    return kExitOk;
  }
  out_ << fmt::format("schedule {}: {} ({}), {}\n", saved.id, saved.cron, saved.timeZone,
                      saved.paused ? fmt::format("paused (pledge schedule resume {})", saved.id)
                                   : "next fire " + fireWhen(saved.nextFireAt, nowMs()));
  return kExitOk;
}

int Commands::listSchedules() {
  const std::vector<Schedule> schedules = client_.schedules();
  if (json_) {
    out_ << Json{{"items", schedules}}.dump(2) << "\n";
  } else if (schedules.empty()) {
    out_ << "no schedules: pledge schedule create ID --cron '0 2 * * *' ACTOR METHOD [ARGS] "
            "makes one\n";
  } else {
    out_ << renderScheduleList(schedules, {.colour = environment_.stdoutTerminal, .now = nowMs()});
  }
  return kExitOk;
}

int Commands::showSchedule(const std::string& id) {
  Schedule schedule;
  try {
    schedule = client_.schedule(id);
  } catch (const Error& error) {
    throw withAdvice(error, id);
  }
  if (json_) {
    out_ << Json(schedule).dump(2) << "\n";
    return kExitOk;
  }
  std::map<std::string, std::string> states;
  for (const ScheduleFire& fire : schedule.recent.value_or(std::vector<ScheduleFire>{})) {
    if (!fire.processId) continue;
    try {
      states[fire.processId->toString()] =
          std::string(processStateName(client_.process(*fire.processId).state));
    } catch (const Error& error) {
      if (error.code() != ErrorCode::NotFound) throw;
      states[fire.processId->toString()] = "gone";  // removed by retention
    }
  }
  out_ << renderSchedule(schedule, states, {.colour = environment_.stdoutTerminal, .now = nowMs()});
  return kExitOk;
}

int Commands::operateSchedule(const std::string& id, std::string_view operation) {
  try {
    if (operation == "trigger") {
      const ScheduleTrigger started = client_.triggerSchedule(id);
      if (json_)
        out_ << Json(started).dump(2) << "\n";
      else
        out_ << "started process " << started.processId.toString() << "\n";
      return kExitOk;
    }
    if (operation == "delete") {
      client_.deleteSchedule(id);
      if (!json_) out_ << fmt::format("deleted schedule {}\n", id);
      return kExitOk;
    }
    const Schedule schedule =
        operation == "pause" ? client_.pauseSchedule(id) : client_.resumeSchedule(id);
    if (json_) {
      out_ << Json(schedule).dump(2) << "\n";
    } else if (schedule.paused) {
      out_ << fmt::format(
          "paused schedule {}: its rule starts no process until pledge schedule "
          "resume {}\n",
          id, id);
    } else {
      out_ << fmt::format("resumed schedule {}: next fire {}\n", id,
                          fireWhen(schedule.nextFireAt, nowMs()));
    }
    return kExitOk;
  } catch (const Error& error) {
    throw withAdvice(error, id);
  }
}

void addScheduleCommands(CLI::App& app, ScheduleCommandLine& line) {
  line.group = app.add_subcommand("schedule", "processes started on a cron rule");
  line.group->require_subcommand(1);
  addDefinition(*line.group, line.create, "create",
                "define a schedule: ID --cron RULE [options] ACTOR [METHOD] [ARGS_JSON]");
  addDefinition(*line.group, line.replace, "replace",
                "change a schedule's definition (its fire history stays), as create takes it");
  line.list = line.group->add_subcommand("list", "every schedule: its rule, next and last fire");
  auto withId = [&](const char* name, const char* help) {
    CLI::App* command = line.group->add_subcommand(name, help);
    command->add_option("id", line.id, "the schedule's id")->required();
    return command;
  };
  line.show = withId("show", "a schedule: its definition, next fire times and last fires");
  line.pause = withId("pause", "start no process on the rule until resumed");
  line.resume = withId("resume", "fire on the rule again");
  line.trigger = withId("trigger", "start the schedule's process now, paused or not");
  line.remove = withId("delete", "delete a schedule (the processes it started stay)");
}

std::optional<int> runScheduleCommand(ScheduleCommandLine& line, Commands& commands) {
  if (line.group == nullptr || !line.group->parsed()) return std::nullopt;
  if (line.create.command->parsed()) return commands.saveSchedule(scheduleOf(line.create), false);
  if (line.replace.command->parsed()) return commands.saveSchedule(scheduleOf(line.replace), true);
  if (line.list->parsed()) return commands.listSchedules();
  if (line.show->parsed()) return commands.showSchedule(line.id);
  if (line.pause->parsed()) return commands.operateSchedule(line.id, "pause");
  if (line.resume->parsed()) return commands.operateSchedule(line.id, "resume");
  if (line.trigger->parsed()) return commands.operateSchedule(line.id, "trigger");
  if (line.remove->parsed()) return commands.operateSchedule(line.id, "delete");
  return std::nullopt;
}

}  // namespace pledge::cli
