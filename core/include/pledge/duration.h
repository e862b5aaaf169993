// Durations written as text, the one grammar the API reads them in (workflow timeouts and waits,
// schedules' "@every"): numbers with units, combinable, spaces allowed.
//
//   parseDurationText("1h30m", limits::kMaxTimeoutMs)    // 5'400'000
//   parseDurationText("2 minutes", limits::kMaxTimeoutMs) // 120'000
//   durationText(5'400'000)                               // "1h 30m"
//
// Every function is pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pledge {

// Units: ms; s, sec, second(s); m, min, minute(s); h, hr, hour(s); d, day(s). "30s", "10 m",
// "1 days 2 hours", "1h30m". nullopt when the text is empty, a number has no unit, a unit is
// unknown, or the total exceeds maxMs.
std::optional<std::int64_t> parseDurationText(std::string_view text, std::int64_t maxMs);

// ms (>= 0) as the shortest exact text parseDurationText reads back: "1h 30m", "90ms"; "0s" for
// 0 or less (which parseDurationText reads back as 0).
std::string durationText(std::int64_t ms);

}  // namespace pledge
