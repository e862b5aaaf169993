#include "pledge/schedule.h"

#include <array>
#include <chrono>
#include <cstdio>

#include "pledge/start_request.h"
#include "pledge/task_spec.h"
#include "pledge/text.h"

namespace pledge {
namespace {

constexpr std::array<std::pair<OverlapPolicy, std::string_view>, 3> kOverlapNames{{
    {OverlapPolicy::Skip, "skip"},
    {OverlapPolicy::BufferOne, "bufferOne"},
    {OverlapPolicy::Allow, "allow"},
}};

// The actor prefix of a workflow start (workflow:NAME or workflow:NAME#VERSION); the server
// resolves such an actor, so only its shape is checked here.
constexpr std::string_view kWorkflowPrefix = "workflow:";

std::string readScheduleId(const Json& value) {
  std::string id = readString(value);
  if (id.empty() || id.size() > schedule_limits::kMaxIdChars) {
    throw JsonError(
        fmt::format("must be 1 to {} characters, got {}", schedule_limits::kMaxIdChars, id.size()));
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool fine = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
    if (!fine) {
      throw JsonError(
          fmt::format("may hold only A-Z a-z 0-9 _ . - (character {} is not one): "
                      "\"{}\"",
                      i + 1, quoteInput(id)));
    }
  }
  return id;
}

auto textReader(std::size_t maxBytes) {
  return [maxBytes](const Json& value) {
    std::string text = readString(value);
    if (auto problem = checkName(text, maxBytes)) throw JsonError(*problem);
    return text;
  };
}

auto msReader(std::int64_t most) {
  return [most](const Json& value) {
    const std::int64_t ms = readInt(value);
    if (ms < 0 || ms > most) throw JsonError(fmt::format("must be 0 to {}, got {}", most, ms));
    return ms;
  };
}

OverlapPolicy readOverlap(const Json& value) {
  std::string name = readString(value);
  auto policy = overlapPolicyFromName(name);
  if (!policy) {
    throw JsonError("expected \"skip\", \"bufferOne\" or \"allow\", got \"" + quoteInput(name) +
                    "\"");
  }
  return *policy;
}

// The start request of each fire: checked as POST /api/v1/processes checks one, less the fields
// each fire sets.
Json readStart(const Json& value) {
  requireObject(value);
  for (std::string_view own : {"customId", "requestId", "startTime"}) {
    if (value.contains(own)) {
      failAtField(own, "each fire of a schedule sets it; leave it out");
    }
  }
  const std::string actor = readField(value, "actor", readString);
  if (actor.starts_with(kWorkflowPrefix)) {
    rejectUnknownFields(value, {"actor", "method", "args", "input", "taskList"});
    if (value.contains("args") && value.contains("input")) {
      failAtField("input", "give the workflow's input or args, not both");
    }
    readOptionalField(value, "taskList", readTaskList);
  } else {
    (void)value.get<StartRequest>();
  }
  return value;
}

}  // namespace

std::string_view overlapPolicyName(OverlapPolicy policy) {
  for (const auto& [p, name] : kOverlapNames) {
    if (p == policy) return name;
  }
  return "skip";
}

std::optional<OverlapPolicy> overlapPolicyFromName(std::string_view name) {
  for (const auto& [p, n] : kOverlapNames) {
    if (n == name) return p;
  }
  return std::nullopt;
}

Json scheduleDefinitionJson(const Schedule& schedule) {
  Json out{{"id", schedule.id},
           {"cron", schedule.cron},
           {"timeZone", schedule.timeZone},
           {"start", schedule.start},
           {"overlap", overlapPolicyName(schedule.overlap)},
           {"catchupWindowMs", schedule.catchupWindowMs},
           {"jitterMs", schedule.jitterMs},
           {"paused", schedule.paused}};
  if (schedule.note) out["note"] = *schedule.note;
  return out;
}

bool sameScheduleDefinition(const Schedule& a, const Schedule& b) {
  Json left = scheduleDefinitionJson(a);
  Json right = scheduleDefinitionJson(b);
  left.erase("paused");
  right.erase("paused");
  return left == right;
}

std::string formatUtcTime(std::int64_t epochMs) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(epochMs)};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{time - day};
  std::string text =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(date.year()), unsigned(date.month()),
                  unsigned(date.day()), clock.hours().count(), clock.minutes().count(),
                  clock.seconds().count());
  if (clock.subseconds().count() != 0) text += fmt::format(".{:03}", clock.subseconds().count());
  return text + "Z";
}

std::string scheduleFireCustomId(std::string_view scheduleId, std::int64_t fireAt) {
  return fmt::format("schedule:{}@{}", scheduleId, formatUtcTime(fireAt));
}

std::optional<std::int64_t> fireTimeOfCustomId(std::string_view customId) {
  using namespace std::chrono;
  const std::size_t at = customId.rfind('@');
  if (!customId.starts_with("schedule:") || at == std::string_view::npos) return std::nullopt;
  const std::string time(customId.substr(at + 1));
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  int used = 0;
  if (std::sscanf(time.c_str(), "%d-%u-%uT%u:%u:%u%n", &y, &mo, &d, &h, &mi, &s, &used) != 6) {
    return std::nullopt;
  }
  std::string_view rest = std::string_view(time).substr(static_cast<std::size_t>(used));
  if (rest.size() == 5 && std::sscanf(std::string(rest).c_str(), ".%3u", &ms) == 1) {
    rest.remove_prefix(4);
  }
  const year_month_day date{year(y), month(mo), day(d)};
  if (rest != "Z" || !date.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  const std::int64_t epochMs =
      (sys_days(date).time_since_epoch() + hours(h) + minutes(mi) + seconds(s)) / milliseconds(1) +
      ms;
  if (scheduleFireCustomId(customId.substr(9, at - 9), epochMs) != customId) return std::nullopt;
  return epochMs;
}

std::string scheduleTriggerCustomId(std::string_view scheduleId, std::int64_t epochMs) {
  return fmt::format("schedule:{}@trigger:{}", scheduleId, epochMs);
}

void to_json(Json& out, const ScheduleFire& fire) {
  out = Json{{"fireAt", fire.fireAt},
             {"processId", fire.processId ? Json(*fire.processId) : Json()},
             {"skipped", fire.skipped}};
}

void from_json(const Json& in, ScheduleFire& fire) {
  rejectUnknownFields(in, {"fireAt", "processId", "skipped"});
  ScheduleFire result;
  result.fireAt = readField(in, "fireAt", readEpochMs);
  result.processId = readOptionalField(in, "processId", readUuid);
  result.skipped = readOptionalField(in, "skipped", readBool).value_or(false);
  fire = result;
}

void to_json(Json& out, const Schedule& schedule) {
  out = scheduleDefinitionJson(schedule);
  auto orNull = [](const auto& value) { return value ? Json(*value) : Json(); };
  out["createdAt"] = schedule.createdAt;
  out["nextFireAt"] = orNull(schedule.nextFireAt);
  out["lastFireAt"] = orNull(schedule.lastFireAt);
  out["lastProcessId"] = orNull(schedule.lastProcessId);
  out["bufferedFireAt"] = orNull(schedule.bufferedFireAt);
  if (schedule.upcoming) out["upcoming"] = *schedule.upcoming;
  if (schedule.recent) out["recent"] = *schedule.recent;
}

void from_json(const Json& in, Schedule& schedule) {
  rejectUnknownFields(in, {"id", "cron", "timeZone", "start", "overlap", "catchupWindowMs",
                           "jitterMs", "paused", "note", "createdAt", "nextFireAt", "lastFireAt",
                           "lastProcessId", "bufferedFireAt", "upcoming", "recent"});
  Schedule result;
  result.id = readField(in, "id", readScheduleId);
  result.cron = readField(in, "cron", textReader(schedule_limits::kMaxCronBytes));
  result.timeZone =
      readOptionalField(in, "timeZone", textReader(schedule_limits::kMaxTimeZoneBytes))
          .value_or("UTC");
  result.start = readField(in, "start", readStart);
  result.overlap = readOptionalField(in, "overlap", readOverlap).value_or(OverlapPolicy::Skip);
  result.catchupWindowMs =
      readOptionalField(in, "catchupWindowMs", msReader(schedule_limits::kMaxCatchupWindowMs))
          .value_or(0);
  result.jitterMs =
      readOptionalField(in, "jitterMs", msReader(schedule_limits::kMaxJitterMs)).value_or(0);
  result.paused = readOptionalField(in, "paused", readBool).value_or(false);
  result.note = readOptionalField(in, "note", [](const Json& value) {
    std::string text = readString(value);
    if (auto problem = checkName(text, schedule_limits::kMaxNoteBytes, /*allowEmpty=*/true)) {
      throw JsonError(*problem);
    }
    return text;
  });
  result.createdAt = readOptionalField(in, "createdAt", readEpochMs).value_or(0);
  result.nextFireAt = readOptionalField(in, "nextFireAt", readEpochMs);
  result.lastFireAt = readOptionalField(in, "lastFireAt", readEpochMs);
  result.lastProcessId = readOptionalField(in, "lastProcessId", readUuid);
  result.bufferedFireAt = readOptionalField(in, "bufferedFireAt", readEpochMs);
  result.upcoming = readOptionalField(in, "upcoming", readArray<std::int64_t>);
  result.recent = readOptionalField(in, "recent", readArray<ScheduleFire>);
  schedule = std::move(result);
}

}  // namespace pledge
