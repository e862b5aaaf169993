// A cron rule in words, for the CLI and the console: "at 02:00 every day", "every 10m".
#include <fmt/format.h>

#include <array>
#include <vector>

#include "schedule/cron_fields.h"

namespace pledge::server::cron {
namespace {

constexpr std::array<std::string_view, 13> kMonths = {"",    "Jan", "Feb", "Mar", "Apr",
                                                     "May", "Jun", "Jul", "Aug", "Sep",
                                                     "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};

// The set values from first on, runs of three or more as a-b: "0,15,30,45", "Mon-Fri".
template <std::size_t N, typename Name>
std::string listOf(const std::bitset<N>& bits, std::size_t first, Name name) {
  std::string out;
  std::size_t v = first;
  while (v < N) {
    if (!bits[v]) {
      ++v;
      continue;
    }
    std::size_t end = v;
    while (end + 1 < N && bits[end + 1]) ++end;
    if (!out.empty()) out += ',';
    if (end >= v + 2) {
      out += name(v) + "-" + name(end);
    } else {
      out += name(v);
      if (end > v) out += "," + name(end);
    }
    v = end + 1;
  }
  return out;
}

template <std::size_t N>
std::string numbers(const std::bitset<N>& bits, std::size_t first) {
  return listOf(bits, first, [](std::size_t v) { return std::to_string(v); });
}

template <std::size_t N>
bool allFrom(const std::bitset<N>& bits, std::size_t first) {
  return bits.count() == N - first;
}

// The first set value of a set with exactly one.
template <std::size_t N>
int only(const std::bitset<N>& bits) {
  for (std::size_t v = 0; v < N; ++v) {
    if (bits[v]) return static_cast<int>(v);
  }
  return 0;
}

std::string clockTimes(const CronFields& f) {
  const int second = only(f.seconds);
  std::vector<std::string> times;
  for (std::size_t h = 0; h < 24; ++h) {
    for (std::size_t m = 0; m < 60; ++m) {
      if (!f.hours[h] || !f.minutes[m]) continue;
      times.push_back(second == 0 ? fmt::format("{:02}:{:02}", h, m)
                                  : fmt::format("{:02}:{:02}:{:02}", h, m, second));
    }
  }
  std::string out = "at " + times.front();
  for (std::size_t i = 1; i < times.size(); ++i) {
    out += (i + 1 == times.size() ? " and " : ", ") + times[i];
  }
  return out;
}

std::string timeWords(const CronFields& f) {
  const bool everySecond = f.seconds.all();
  const bool onTheMinute = f.seconds.count() == 1 && f.seconds[0];
  const bool everyMinute = f.minutes.all();
  const bool everyHour = f.hours.all();
  if (everySecond && everyMinute && everyHour) return "every second";
  if (onTheMinute && everyMinute && everyHour) return "every minute";
  if (f.seconds.count() == 1 && f.minutes.count() * f.hours.count() <= 4) return clockTimes(f);
  std::string out;
  if (!onTheMinute) {
    out = everySecond ? "every second of " : "at second " + numbers(f.seconds, 0) + " of ";
  }
  if (everyMinute) {
    out += "every minute";
  } else {
    out += (out.empty() ? "at minute " : "minute ") + numbers(f.minutes, 0);
  }
  if (!everyHour) return out + " of hour " + numbers(f.hours, 0);
  return everyMinute ? out : out + " of every hour";
}

std::string dayWords(const CronFields& f) {
  const bool anyDayOfMonth = allFrom(f.daysOfMonth, 1);
  const bool anyDayOfWeek = f.daysOfWeek.all();
  const std::string weekdays =
      listOf(f.daysOfWeek, 0, [](std::size_t v) { return std::string(kWeekdays[v]); });
  const std::string monthDays = "on day " + numbers(f.daysOfMonth, 1) + " of the month";
  std::string out;
  if (anyDayOfMonth && anyDayOfWeek) {
    out = "every day";
  } else if (anyDayOfWeek) {
    out = monthDays;
  } else if (anyDayOfMonth) {
    out = "on " + weekdays;
  } else if (f.daysOfMonthStar || f.daysOfWeekStar) {
    out = monthDays + " if it is a " + weekdays;
  } else {
    out = monthDays + " and on every " + weekdays;
  }
  if (!allFrom(f.months, 1)) {
    out += " in " + listOf(f.months, 1, [](std::size_t v) { return std::string(kMonths[v]); });
  }
  return out;
}

std::string intervalWords(std::int64_t ms) {
  static constexpr std::array<std::pair<std::int64_t, std::string_view>, 5> kUnits = {
      {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}}};
  std::string out = "every ";
  for (const auto& [size, unit] : kUnits) {
    if (ms < size) continue;
    out += fmt::format("{}{}", ms / size, unit);
    ms %= size;
  }
  return out;
}

}  // namespace

std::string describeRule(const ParsedRule& rule) {
  if (!rule.fields) return intervalWords(rule.everyMs);
  return timeWords(*rule.fields) + " " + dayWords(*rule.fields);
}

}  // namespace pledge::server::cron
