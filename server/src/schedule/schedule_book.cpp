// Scheduler: the operations of /api/v1/schedules (docs/rest.md "Schedules"). Each is a read of
// the schedule's row and a compare-and-set write, tried again when a fire or another request
// wrote the row in between.
#include <fmt/format.h>

#include <memory>

#include "pledge/server/schedule/scheduler.h"
#include "pledge/text.h"

namespace pledge::server {
namespace {

Error noSchedule(const std::string& id) {
  return Error(ErrorCode::NotFound, "no schedule \"" + quoteInput(id) + "\"");
}

// The row of a new or replaced definition: its next fire from now (none while paused).
void define(ScheduleRow& row, const Schedule& definition, const CronRule& rule, std::int64_t now) {
  row.definition = scheduleDefinitionJson(definition).dump();
  row.paused = definition.paused;
  row.nextFireAt = definition.paused ? std::nullopt : rule.nextAfter(now);
}

}  // namespace

CronRule Scheduler::ruleOf(const Schedule& definition) {
  try {
    CronRule::parse(definition.cron);
  } catch (const Error& error) {
    throw Error(ErrorCode::BadRequest, "cron: " + error.message());
  }
  try {
    return CronRule::parse(definition.cron, definition.timeZone);
  } catch (const Error& error) {
    throw Error(ErrorCode::BadRequest, "timeZone: " + error.message());
  }
}

PutOutcome Scheduler::create(const Schedule& definition) {
  const CronRule rule = ruleOf(definition);
  const std::int64_t at = now();
  ScheduleRow row{.id = definition.id, .createdAt = at};
  define(row, definition, rule, at);
  if (std::optional<ScheduleRow> existing = store_.insertSchedule(row)) {
    Schedule stored = scheduleOf(*existing);
    if (!sameScheduleDefinition(stored, definition)) {
      throw Error(ErrorCode::Conflict,
                  fmt::format("schedule \"{}\" exists with another definition (PUT "
                              "/api/v1/schedules/{} replaces it)",
                              definition.id, definition.id));
    }
    return {std::move(stored), false};
  }
  wake();
  row.revision = 1;
  return {scheduleOf(row), true};
}

Schedule Scheduler::replace(const Schedule& definition) {
  const CronRule rule = ruleOf(definition);
  for (;;) {
    std::optional<ScheduleRow> row = store_.findSchedule(definition.id);
    if (!row) throw noSchedule(definition.id);
    define(*row, definition, rule, now());
    if (store_.updateSchedule(*row)) {
      wake();
      return scheduleOf(*row);
    }
  }
}

std::vector<Schedule> Scheduler::list() {
  std::vector<Schedule> schedules;
  for (const ScheduleRow& row : store_.listSchedules()) schedules.push_back(scheduleOf(row));
  return schedules;
}

Schedule Scheduler::get(const std::string& id) {
  std::optional<ScheduleRow> row = store_.findSchedule(id);
  if (!row) throw noSchedule(id);
  Schedule schedule = scheduleOf(*row);
  schedule.recent = recentFires(*row);
  schedule.upcoming = std::vector<std::int64_t>();
  if (!row->paused) {
    schedule.upcoming =
        ruleOf(schedule).upcoming(now(), static_cast<int>(schedule_limits::kUpcomingFires));
  }
  return schedule;
}

void Scheduler::remove(const std::string& id) {
  if (!store_.deleteSchedule(id)) throw noSchedule(id);
}

Schedule Scheduler::setPaused(const std::string& id, bool paused) {
  for (;;) {
    std::optional<ScheduleRow> row = store_.findSchedule(id);
    if (!row) throw noSchedule(id);
    if (row->paused == paused) return scheduleOf(*row);
    const Schedule definition = scheduleOf(*row);
    row->paused = paused;
    row->nextFireAt = paused ? std::nullopt : ruleOf(definition).nextAfter(now());
    if (store_.updateSchedule(*row)) {
      wake();
      return scheduleOf(*row);
    }
  }
}

void Scheduler::trigger(const std::string& id, std::function<void(Result<TriggeredFire>)> done) {
  std::optional<ScheduleRow> row = store_.findSchedule(id);
  if (!row) throw noSchedule(id);
  const std::int64_t at = now();
  const std::string customId = scheduleTriggerCustomId(id, at);
  Json start = scheduleOf(*row).start;
  start["customId"] = customId;
  starter_(std::move(start),
           [this, id, at, customId, done = std::move(done)](Result<StartedProcess> started) {
             if (!started.ok()) return done(started.error());
             if (metrics_ != nullptr) metrics_->scheduleFired();
             // Recorded as the latest fire, so that the overlap policy sees its process; a schedule
             // deleted meanwhile keeps no record.
             try {
               for (int attempt = 0; attempt < 10; ++attempt) {
                 std::optional<ScheduleRow> current = store_.findSchedule(id);
                 if (!current) break;
                 current->lastFireAt = at;
                 current->lastProcessId = started.value().processId;
                 addRecentFire(*current, {.fireAt = at, .processId = started.value().processId});
                 if (store_.updateSchedule(*current)) break;
               }
             } catch (const std::exception&) {
               // The process started; only its record in the schedule's history is missing.
             }
             done(TriggeredFire{started.value(), customId});
           });
}

}  // namespace pledge::server
