// Durations as people type them: "30s", "10 m", "1h 30m", "2 minutes", "1 days 2 hours",
// "250ms". One reader for the workflow definitions' durations (Conductor's), the CLI's options
// (pledge schedule create --catchup 1h) and whatever else takes a duration as text.
//
//   std::optional<std::int64_t> ms = parseDurationText("1h 30m");   // 5'400'000
//   std::string shown = durationText(5'400'000);                     // "1h 30m"
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pledge {

// The milliseconds of text: numbers each followed by a unit (ms; s, sec...; m, min...; h, hour...,
// hr...; d, day...), spaces allowed between them; nullopt when text is empty, holds anything
// else, or comes to more than maxMs.
std::optional<std::int64_t> parseDurationText(std::string_view text, std::int64_t maxMs);

// ms (>= 0) as the shortest exact text parseDurationText reads back: "1h 30m", "90ms", "0s".
std::string durationText(std::int64_t ms);

}  // namespace pledge
