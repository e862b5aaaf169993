// Schedule: a process started on a cron rule (REST API v1 /api/v1/schedules). The definition is
// what a client writes; the fire state (nextFireAt, lastFireAt, ...) is the server's answer.
//
//   Schedule nightly{.id = "nightly-report", .cron = "0 2 * * *", .timeZone = "Europe/Berlin",
//                    .start = {{"actor", "Report#1.0"}, {"method", "start"}}};
//   Json wire = nightly;          // {"id":"nightly-report","cron":"0 2 * * *",...}
//   scheduleFireCustomId("nightly-report", 1796349600000);
//       // "schedule:nightly-report@2026-12-04T02:00:00Z"
//
// Wire form: {"id","cron","timeZone","start":{StartRequest body without customId, requestId and
// startTime; "input" for workflow:NAME actors},"overlap":"skip|bufferOne|allow",
// "catchupWindowMs","jitterMs","paused","note"} and, read-only, "createdAt", "nextFireAt",
// "lastFireAt", "lastProcessId", "bufferedFireAt", "upcoming" and "recent".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/json.h"
#include "pledge/uuid.h"

namespace pledge {

// What a fire does while the schedule's previous process still runs.
enum class OverlapPolicy {
  Skip,       // the fire is recorded as skipped; no process starts
  BufferOne,  // the fire waits (one at most) and starts when the previous process ends
  Allow,      // the fire starts a process anyway
};

std::string_view overlapPolicyName(OverlapPolicy policy);
// nullopt for a name that is not skip, bufferOne or allow.
std::optional<OverlapPolicy> overlapPolicyFromName(std::string_view name);

// One fire of a schedule: its (nominal) fire time and the process it started, or skipped.
struct ScheduleFire {
  std::int64_t fireAt = 0;
  std::optional<Uuid> processId;
  bool skipped = false;

  bool operator==(const ScheduleFire&) const = default;
};

namespace schedule_limits {
// Ids: [A-Za-z0-9_.-], 1 to this many characters.
inline constexpr std::size_t kMaxIdChars = 100;
inline constexpr std::size_t kMaxCronBytes = 256;
inline constexpr std::size_t kMaxTimeZoneBytes = 64;
inline constexpr std::size_t kMaxNoteBytes = 1'000;
// A year: fires missed longer ago than this are never started.
inline constexpr std::int64_t kMaxCatchupWindowMs = 366LL * 24 * 3600 * 1000;
// A day.
inline constexpr std::int64_t kMaxJitterMs = 24LL * 3600 * 1000;
// Missed fires started on return after downtime, at most.
inline constexpr std::size_t kMaxCatchupFires = 100;
// Fires kept in a schedule's history (the "recent" list).
inline constexpr std::size_t kRecentFires = 10;
// Fire times in the "upcoming" list.
inline constexpr std::size_t kUpcomingFires = 5;
}  // namespace schedule_limits

// A plain value; copyable, compared by value.
struct Schedule {
  // The definition.
  std::string id;
  std::string cron;
  std::string timeZone = "UTC";
  // A StartRequest body (actor, method, args or input, taskList) without customId, requestId
  // and startTime, which each fire sets.
  Json start = Json::object();
  OverlapPolicy overlap = OverlapPolicy::Skip;
  std::int64_t catchupWindowMs = 0;
  std::int64_t jitterMs = 0;
  bool paused = false;
  std::optional<std::string> note;

  // Read-only: the server's fire state (epoch milliseconds).
  std::int64_t createdAt = 0;
  // nullopt while paused, or when the rule has no further fire.
  std::optional<std::int64_t> nextFireAt;
  std::optional<std::int64_t> lastFireAt;
  std::optional<Uuid> lastProcessId;
  // bufferOne: the fire waiting for the previous process to end.
  std::optional<std::int64_t> bufferedFireAt;
  // Only in the answer about one schedule: the next fire times and the latest fires (newest
  // first).
  std::optional<std::vector<std::int64_t>> upcoming;
  std::optional<std::vector<ScheduleFire>> recent;

  bool operator==(const Schedule&) const = default;
};

// The definition fields of schedule only (what a client writes), as JSON.
Json scheduleDefinitionJson(const Schedule& schedule);
// Whether a and b define the same schedule: every definition field but paused, which pause and
// resume change.
bool sameScheduleDefinition(const Schedule& a, const Schedule& b);

// The customId of the process a fire starts: "schedule:<id>@2026-12-04T02:00:00Z" (with
// milliseconds, ".250Z", when fireAt has them).
std::string scheduleFireCustomId(std::string_view scheduleId, std::int64_t fireAt);
// The customId of a manual trigger: "schedule:<id>@trigger:<epoch ms>".
std::string scheduleTriggerCustomId(std::string_view scheduleId, std::int64_t epochMs);
// The fire time a customId of scheduleFireCustomId names; nullopt for any other text (a
// trigger's customId included).
std::optional<std::int64_t> fireTimeOfCustomId(std::string_view customId);
// An epoch millisecond time as "2026-12-04T02:00:00Z" (UTC; ".250" before the Z when the
// milliseconds are not 0).
std::string formatUtcTime(std::int64_t epochMs);

void to_json(Json& out, const ScheduleFire& fire);
void from_json(const Json& in, ScheduleFire& fire);
void to_json(Json& out, const Schedule& schedule);
// Strict about the definition: unknown fields, a bad id, an empty cron, an overlap that is not
// skip/bufferOne/allow, times out of range, a start that is not an object or sets customId,
// requestId or startTime are JsonErrors naming the field ("start.customId: ..."). The cron
// rule, the time zone and a workflow actor are checked by the server. The read-only fields
// are read when present (a client reads the server's answers with it).
void from_json(const Json& in, Schedule& schedule);

}  // namespace pledge
