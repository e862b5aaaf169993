// What the cron rule tests share: instants written as "2026-03-29T01:00:00Z" (UTC) so that
// expected fire times read like the documentation.
#pragma once

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/server/schedule/cron.h"

namespace pledge::server::testing {

// Epoch milliseconds of "YYYY-MM-DDTHH:MM:SSZ" (".mmm" before the Z is allowed).
inline std::int64_t epochMs(std::string_view iso) {
  std::tm tm{};
  int millis = 0;
  const std::string text(iso);
  std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
              &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis;
}

// "YYYY-MM-DDTHH:MM:SSZ" of epoch milliseconds, ".mmm" before the Z when they are not whole
// seconds (an @every interval in ms).
inline std::string isoOf(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (ms % 1000 == 0) return text;
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms % 1000));
  return std::string(text, std::strlen(text) - 1) + millis;
}

// The next fire of rule after the instant `after`, or "never".
inline std::string nextFire(std::string_view rule, std::string_view after,
                            std::string_view zone = "UTC") {
  const auto next = CronRule::parse(rule, zone).nextAfter(epochMs(after));
  return next ? isoOf(*next) : "never";
}

// The next count fires of rule after the instant `after`.
inline std::vector<std::string> fires(std::string_view rule, std::string_view after, int count,
                                      std::string_view zone = "UTC") {
  std::vector<std::string> out;
  for (std::int64_t ms : CronRule::parse(rule, zone).upcoming(epochMs(after), count)) {
    out.push_back(isoOf(ms));
  }
  return out;
}

}  // namespace pledge::server::testing
