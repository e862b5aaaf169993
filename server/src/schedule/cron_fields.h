// The parts of a cron rule below CronRule (private to schedule/): the parsed fields, the
// calendar search in local (wall-clock) seconds, and the description in words. No time zones
// here: cron.cpp maps local seconds to instants.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pledge::server::cron {

// The values each field matches (bit v for value v). Every field has at least one bit set.
struct CronFields {
  std::bitset<60> seconds;
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> daysOfMonth;  // 1-31
  std::bitset<13> months;       // 1-12
  std::bitset<7> daysOfWeek;    // 0 = Sunday
  // The day field was written starting with * or ?: Vixie cron's rule then requires both day
  // fields to match, otherwise either.
  bool daysOfMonthStar = true;
  bool daysOfWeekStar = true;
};

// A rule is either calendar fields or an interval ("@every"), never both.
struct ParsedRule {
  std::optional<CronFields> fields;
  std::int64_t everyMs = 0;
};

// The longest expression accepted, in bytes.
inline constexpr std::size_t kMaxExpressionBytes = 1024;

// Throws pledge::Error(BadRequest) naming the field, its text and the accepted forms.
ParsedRule parseRule(std::string_view expression);

// The first local second >= from (seconds since 1970-01-01T00:00:00 on the wall clock) whose
// date and time match the fields; nullopt when there is none up to and including until.
std::optional<std::int64_t> nextMatchingLocalSecond(const CronFields& fields, std::int64_t from,
                                                    std::int64_t until);

// "at 02:00 every day", "every 10 minutes" (without the time zone).
std::string describeRule(const ParsedRule& rule);

}  // namespace pledge::server::cron
