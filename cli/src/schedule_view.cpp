#include "pledge/cli/schedule_view.h"

#include <fmt/format.h>

#include "pledge/cli/table.h"
#include "pledge/duration.h"

namespace pledge::cli {
namespace {

std::string stateOf(const Schedule& schedule) { return schedule.paused ? "paused" : "active"; }

// What each fire starts: "Report#1.0.start [\"daily\"]" (a workflow's input instead of its
// one-element argument list).
std::string startText(const Json& start) {
  const std::string actor = start.value("actor", "");
  std::string text = fmt::format("{}.{} ", actor, start.value("method", "execute"));
  const Json args = start.value("args", Json::array());
  if (start.contains("input")) {
    text += "--input " + start["input"].dump();
  } else if (actor.starts_with("workflow:") && args.size() == 1 && args[0].is_object()) {
    text += "--input " + args[0].dump();
  } else {
    text += args.dump();
  }
  if (start.contains("taskList")) text += " --task-list " + start.value("taskList", "");
  return text;
}

}  // namespace

std::string overlapOptionName(OverlapPolicy policy) {
  switch (policy) {
    case OverlapPolicy::Skip:
      return "skip";
    case OverlapPolicy::BufferOne:
      return "buffer-one";
    case OverlapPolicy::Allow:
      return "allow";
  }
  return "skip";
}

std::string fireDistance(std::int64_t at, std::int64_t now) {
  const std::int64_t delta = at > now ? at - now : now - at;
  if (delta < 1'000) return "just now";
  // Minutes once it is a minute away: "3h 2m", not "3h 2m 17s 250ms".
  const std::string span =
      durationText(delta < 60'000 ? delta / 1000 * 1000 : delta / 60'000 * 60'000);
  return at > now ? "in " + span : span + " ago";
}

std::string fireWhen(std::optional<std::int64_t> at, std::int64_t now) {
  if (!at) return "-";
  return fmt::format("{} ({})", localTime(*at), fireDistance(*at, now));
}

std::string renderScheduleList(const std::vector<Schedule>& schedules,
                               const RenderOptions& options) {
  Table table({"ID", "CRON", "ZONE", "NEXT FIRE", "LAST FIRE", "STATE", "OVERLAP"});
  for (const Schedule& schedule : schedules) {
    table.add({schedule.id, schedule.cron, schedule.timeZone,
               schedule.paused ? "- (paused)" : fireWhen(schedule.nextFireAt, options.now),
               fireWhen(schedule.lastFireAt, options.now), stateOf(schedule),
               overlapOptionName(schedule.overlap)});
  }
  return table.render();
}

std::string renderSchedule(const Schedule& schedule,
                           const std::map<std::string, std::string>& states,
                           const RenderOptions& options) {
  std::string out = fmt::format("schedule {}  {}\n", schedule.id, stateOf(schedule));
  out += fmt::format("rule     {}  ({})\n", schedule.cron, schedule.timeZone);
  out += fmt::format("starts   {}\n", startText(schedule.start));
  out += fmt::format("overlap  {}", overlapOptionName(schedule.overlap));
  if (schedule.catchupWindowMs > 0) out += "  catch-up " + durationText(schedule.catchupWindowMs);
  if (schedule.jitterMs > 0) out += "  jitter " + durationText(schedule.jitterMs);
  out += "\n";
  if (schedule.note) out += fmt::format("note     {}\n", *schedule.note);
  if (schedule.createdAt > 0) out += fmt::format("created  {}\n", localTime(schedule.createdAt));
  if (schedule.bufferedFireAt) {
    out += fmt::format("buffered the fire of {}: it starts when the last process ends\n",
                       localTime(*schedule.bufferedFireAt));
  }

  out += "\nnext fires\n";
  const std::vector<std::int64_t> upcoming =
      schedule.upcoming.value_or(std::vector<std::int64_t>{});
  if (schedule.paused) {
    out += fmt::format("  none while paused: pledge schedule resume {}\n", schedule.id);
  } else if (upcoming.empty()) {
    out += "  none: its rule fires no more\n";
  }
  for (std::int64_t at : schedule.paused ? std::vector<std::int64_t>{} : upcoming) {
    out += "  " + fireWhen(at, options.now) + "\n";
  }

  out += "\nlast fires\n";
  const std::vector<ScheduleFire> recent = schedule.recent.value_or(std::vector<ScheduleFire>{});
  if (recent.empty()) out += "  none yet\n";
  Table fires({"FIRE", "PROCESS", "STATE"});
  for (const ScheduleFire& fire : recent) {
    if (fire.skipped || !fire.processId) {
      fires.add({fireWhen(fire.fireAt, options.now), "-",
                 fire.skipped ? "skipped (the last process still ran)" : "-"});
      continue;
    }
    const std::string id = fire.processId->toString();
    const auto state = states.find(id);
    fires.add({fireWhen(fire.fireAt, options.now), id,
               state == states.end() ? "?" : paintState(state->second, options.colour)});
  }
  if (!fires.empty()) {
    std::string table = fires.render();
    std::size_t at = 0;
    while (at < table.size()) {
      const std::size_t end = table.find('\n', at);
      out += "  " + table.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
      at = end == std::string::npos ? table.size() : end + 1;
    }
  }
  return out;
}

}  // namespace pledge::cli
