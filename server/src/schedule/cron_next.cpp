// The calendar search of a cron rule in wall-clock seconds: skips whole months, days, hours and
// minutes that cannot match instead of stepping second by second.
#include <date/date.h>

#include "schedule/cron_fields.h"

namespace pledge::server::cron {
namespace {

constexpr std::int64_t kDaySeconds = 86'400;

// The first value >= from whose bit is set; -1 when there is none.
template <std::size_t N>
int firstSetFrom(const std::bitset<N>& bits, int from) {
  for (int v = from; v < static_cast<int>(N); ++v) {
    if (bits[static_cast<std::size_t>(v)]) return v;
  }
  return -1;
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Vixie cron: when either day field is written as * both must match (the * one always does),
// when both are restricted either may.
bool dayMatches(const CronFields& fields, const date::year_month_day& ymd, date::weekday weekday) {
  const bool byMonth = fields.daysOfMonth[static_cast<unsigned>(ymd.day())];
  const bool byWeek = fields.daysOfWeek[weekday.c_encoding()];
  if (fields.daysOfMonthStar || fields.daysOfWeekStar) return byMonth && byWeek;
  return byMonth || byWeek;
}

// The day number of the first day of the first matching month after ymd's month.
std::int64_t firstDayOfNextMonth(const CronFields& fields, const date::year_month_day& ymd) {
  const int month = firstSetFrom(fields.months, static_cast<int>(unsigned(ymd.month())) + 1);
  const date::year_month_day first =
      month > 0 ? ymd.year() / date::month(static_cast<unsigned>(month)) / 1
                : (ymd.year() + date::years(1)) /
                      date::month(static_cast<unsigned>(firstSetFrom(fields.months, 1))) / 1;
  return date::sys_days(first).time_since_epoch().count();
}

}  // namespace

std::optional<std::int64_t> nextMatchingLocalSecond(const CronFields& fields, std::int64_t from,
                                                    std::int64_t until) {
  std::int64_t day = floorDiv(from, kDaySeconds);
  std::int64_t second = from - day * kDaySeconds;  // of the day
  // Each pass moves forward to the next candidate month, day, hour, minute or second.
  while (day * kDaySeconds <= until) {
    if (second >= kDaySeconds) {
      ++day;
      second = 0;
      continue;
    }
    const date::sys_days date{date::days(day)};
    const date::year_month_day ymd(date);
    if (!fields.months[static_cast<unsigned>(ymd.month())]) {
      day = firstDayOfNextMonth(fields, ymd);
      second = 0;
      continue;
    }
    if (!dayMatches(fields, ymd, date::weekday(date))) {
      ++day;
      second = 0;
      continue;
    }
    const int hour = static_cast<int>(second / 3600);
    const int minute = static_cast<int>(second / 60 % 60);
    const int nextHour = firstSetFrom(fields.hours, hour);
    if (nextHour != hour) {
      second = nextHour < 0 ? kDaySeconds : nextHour * 3600;
      continue;
    }
    const int nextMinute = firstSetFrom(fields.minutes, minute);
    if (nextMinute != minute) {
      second = nextMinute < 0 ? (hour + 1) * 3600 : hour * 3600 + nextMinute * 60;
      continue;
    }
    const int nextSecond = firstSetFrom(fields.seconds, static_cast<int>(second % 60));
    if (nextSecond < 0) {
      second = hour * 3600 + (minute + 1) * 60;
      continue;
    }
    const std::int64_t at = day * kDaySeconds + hour * 3600 + minute * 60 + nextSecond;
    if (at > until) return std::nullopt;
    return at;
  }
  return std::nullopt;
}

}  // namespace pledge::server::cron
