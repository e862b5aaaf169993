// The pure parts of firing: a schedule from its store row, its recent fires, and which fires of
// a rule are due (docs/operations.md "Schedules": catch-up, jitter).
#include <algorithm>

#include "pledge/limits.h"
#include "pledge/server/schedule/scheduler.h"

namespace pledge::server {
namespace {

// The newest `limit` fire times in (after, upTo], ascending. More than limit fires there (an
// `@every 1s` rule after a long downtime) are found by bisection, not by walking every one.
std::vector<std::int64_t> newestFires(const CronRule& rule, std::int64_t after, std::int64_t upTo,
                                      std::size_t limit) {
  auto collect = [&](std::int64_t from, std::size_t most) {
    std::vector<std::int64_t> times;
    for (std::optional<std::int64_t> t = rule.nextAfter(from);
         t && *t <= upTo && times.size() < most; t = rule.nextAfter(*t)) {
      times.push_back(*t);
    }
    return times;
  };
  std::vector<std::int64_t> all = collect(after, limit + 1);
  if (all.size() <= limit) return all;
  // (lo, upTo] holds more than limit - 1 fires, (hi, upTo] fewer than limit.
  std::int64_t lo = after;
  std::int64_t hi = upTo;
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (collect(mid, limit).size() >= limit) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return collect(lo, limit);
}

}  // namespace

Schedule scheduleOf(const ScheduleRow& row) {
  limits::Ignored stored;
  Schedule schedule = parseJson(row.definition).get<Schedule>();
  schedule.paused = row.paused;
  schedule.createdAt = row.createdAt;
  schedule.nextFireAt = row.paused ? std::nullopt : row.nextFireAt;
  schedule.lastFireAt = row.lastFireAt;
  schedule.lastProcessId = row.lastProcessId;
  schedule.bufferedFireAt = row.bufferedFireAt;
  return schedule;
}

std::vector<ScheduleFire> recentFires(const ScheduleRow& row) {
  limits::Ignored stored;
  return parseJson(row.recent).get<std::vector<ScheduleFire>>();
}

void addRecentFire(ScheduleRow& row, const ScheduleFire& fire) {
  std::vector<ScheduleFire> fires = recentFires(row);
  fires.insert(fires.begin(), fire);
  if (fires.size() > schedule_limits::kRecentFires) fires.resize(schedule_limits::kRecentFires);
  row.recent = Json(fires).dump();
}

DueFires dueFires(const CronRule& rule, const Schedule& definition, std::int64_t nextFireAt,
                  std::int64_t now) {
  auto jitter = [&](std::int64_t t) {
    return Scheduler::jitterOf(definition.id, t, definition.jitterMs);
  };
  DueFires due;
  if (nextFireAt + jitter(nextFireAt) > now) {
    due.next = nextFireAt;
    return due;
  }
  // No fire older than this can be started: look no further back.
  const std::int64_t reach =
      std::max(definition.catchupWindowMs, kOnTimeGraceMs) + definition.jitterMs;
  const std::int64_t from = std::max(nextFireAt - 1, now - reach - 1);
  std::vector<std::int64_t> came;
  for (std::int64_t t : newestFires(rule, from, now, schedule_limits::kMaxCatchupFires + 1)) {
    if (t + jitter(t) > now) {
      due.next = t;
      break;
    }
    came.push_back(t);
  }
  if (!due.next) due.next = rule.nextAfter(came.empty() ? now : came.back());
  for (std::size_t i = 0; i < came.size(); ++i) {
    const std::int64_t late = now - came[i] - jitter(came[i]);
    const bool newest = i + 1 == came.size();
    if (late <= definition.catchupWindowMs || (newest && late <= kOnTimeGraceMs)) {
      due.start.push_back(came[i]);
    }
  }
  if (due.start.size() > schedule_limits::kMaxCatchupFires) {
    due.start.erase(due.start.begin(), due.start.end() - static_cast<std::ptrdiff_t>(
                                                             schedule_limits::kMaxCatchupFires));
  }
  due.missed = static_cast<std::int64_t>(came.size() - due.start.size());
  return due;
}

}  // namespace pledge::server
