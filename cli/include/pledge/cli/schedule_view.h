// ScheduleView: schedules drawn in the terminal. The list is a table, one schedule a row (next
// fire as local time and "in 3h 2m"); one schedule is its definition, its next fire times and its
// latest fires with the processes they started and their states.
//
//   std::cout << renderScheduleList(client.schedules(), {.now = nowMs});
//
//   ID              CRON       ZONE           NEXT FIRE                       LAST FIRE  STATE ...
//   nightly-report  0 2 * * *  Europe/Berlin  2026-12-05 02:00:00 (in 3h 2m)  -          active
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pledge/cli/process_view.h"
#include "pledge/schedule.h"

namespace pledge::cli {

// How the CLI spells an overlap policy: skip, buffer-one, allow.
std::string overlapOptionName(OverlapPolicy policy);

// A fire time against now: "in 3h 2m", "in 42s", "5m ago", "just now".
std::string fireDistance(std::int64_t at, std::int64_t now);

// "2026-12-05 02:00:00 (in 3h 2m)"; "-" for none.
std::string fireWhen(std::optional<std::int64_t> at, std::int64_t now);

std::string renderScheduleList(const std::vector<Schedule>& schedules,
                               const RenderOptions& options);

// schedule: GET /api/v1/schedules/{id} (with upcoming and recent); states: the state of each
// process of a recent fire, by process id, as far as known.
std::string renderSchedule(const Schedule& schedule,
                           const std::map<std::string, std::string>& states,
                           const RenderOptions& options);

}  // namespace pledge::cli
