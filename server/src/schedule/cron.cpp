// CronRule: a parsed rule and its time zone, and how wall-clock matches become instants across
// daylight-saving changes (the rules are in docs/operations.md, "Cron rules").
#include "pledge/server/schedule/cron.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>

#include "pledge/error.h"
#include "pledge/text.h"
#include "schedule/cron_fields.h"

namespace pledge::server {

struct CronRule::Compiled {
  std::string expression;
  std::string timeZone;
  cron::ParsedRule rule;
  // nullptr for "UTC", which needs no time zone database.
  const date::time_zone* zone = nullptr;
};

namespace {

constexpr std::int64_t kDaySeconds = 86'400;
// 0001-01-01T00:00:00 and 9999-12-31T23:59:59: the years a rule is searched in.
constexpr std::int64_t kFirstSecond = -62'135'596'800;
constexpr std::int64_t kLastSecond = 253'402'300'799;
// How far nextAfter looks. Eight years separate some 29 Februaries (2096 and 2104); only rules
// that can never match (30 February) search this far.
constexpr std::int64_t kSearchSeconds = 3653 * kDaySeconds;
constexpr std::size_t kMaxTimeZoneBytes = 100;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

const date::time_zone* locateZone(std::string_view name) {
  if (name == "UTC") return nullptr;
  const std::string_view help = "; write an IANA name such as UTC, Europe/Berlin or "
                                "America/New_York";
  if (name.empty()) throw Error(ErrorCode::BadRequest, fmt::format("time zone is empty{}", help));
  try {
    (void)date::get_tzdb();
  } catch (const std::exception& error) {
    // The server's installation, not the request, is at fault.
    throw Error(ErrorCode::Internal,
                fmt::format("the time zone database cannot be read ({}); install the tzdata "
                            "package (/usr/share/zoneinfo)",
                            error.what()));
  }
  try {
    if (name.size() <= kMaxTimeZoneBytes) return date::locate_zone(name);
  } catch (const std::exception&) {
    // Unknown to the database: reported below like a name that is too long.
  }
  throw Error(ErrorCode::BadRequest,
              fmt::format("unknown time zone '{}'{}", quoteInput(name), help));
}

std::optional<std::int64_t> nextEveryMs(std::int64_t everyMs, std::int64_t epochMs) {
  const std::int64_t index = floorDiv(epochMs, everyMs) + 1;
  if (index > kLastSecond * 1000 / everyMs) return std::nullopt;
  return std::max(index * everyMs, kFirstSecond * 1000);
}

// The first instant (epoch seconds) >= after whose wall-clock time in zone matches. A time in a
// spring-forward gap fires at the first instant after the gap; a time that the fall-back shows
// twice fires at its first occurrence only.
std::optional<std::int64_t> nextInZone(const cron::CronFields& fields, const date::time_zone& zone,
                                       std::int64_t after) {
  using std::chrono::seconds;
  std::int64_t local =
      after + zone.get_info(date::sys_seconds(seconds(after))).offset.count();
  const std::int64_t localUntil = std::min(local + kSearchSeconds, kLastSecond);
  // Every pass returns or moves local past the match it looked at (and past the repeated hour
  // after a fall-back), so the loop ends at localUntil at the latest.
  while (true) {
    const std::optional<std::int64_t> match =
        cron::nextMatchingLocalSecond(fields, local, localUntil);
    if (!match) return std::nullopt;
    const date::local_info info = zone.get_info(date::local_seconds(seconds(*match)));
    std::int64_t instant = 0;
    switch (info.result) {
      case date::local_info::unique:
        instant = *match - info.first.offset.count();
        local = *match + 1;
        break;
      case date::local_info::nonexistent:
        instant = info.second.begin.time_since_epoch().count();
        local = *match + 1;
        break;
      case date::local_info::ambiguous:
        instant = *match - info.first.offset.count();
        // The second showing of these wall-clock times never fires: continue after it.
        local = info.first.end.time_since_epoch().count() + info.first.offset.count();
        break;
    }
    if (instant >= after) return instant;
  }
}

}  // namespace

CronRule::CronRule(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

CronRule CronRule::parse(std::string_view expression, std::string_view timeZone) {
  auto compiled = std::make_shared<Compiled>();
  compiled->rule = cron::parseRule(expression);
  compiled->zone = locateZone(timeZone);
  compiled->expression = std::string(expression);
  compiled->timeZone = std::string(timeZone);
  return CronRule(std::move(compiled));
}

std::optional<std::int64_t> CronRule::nextAfter(std::int64_t epochMs) const {
  const Compiled& c = *compiled_;
  if (c.rule.everyMs > 0) return nextEveryMs(c.rule.everyMs, epochMs);
  const std::int64_t after = std::max(floorDiv(epochMs, 1000) + 1, kFirstSecond);
  if (after > kLastSecond) return std::nullopt;
  std::optional<std::int64_t> second;
  if (c.zone == nullptr) {
    second = cron::nextMatchingLocalSecond(*c.rule.fields, after,
                                           std::min(after + kSearchSeconds, kLastSecond));
  } else {
    second = nextInZone(*c.rule.fields, *c.zone, after);
  }
  if (!second) return std::nullopt;
  return *second * 1000;
}

std::vector<std::int64_t> CronRule::upcoming(std::int64_t afterMs, int count) const {
  PLEDGE_REQUIRE(count >= 0 && count <= 1000, "count must be 0-1000, got {}", count);
  std::vector<std::int64_t> times;
  std::int64_t from = afterMs;
  while (static_cast<int>(times.size()) < count) {
    const std::optional<std::int64_t> next = nextAfter(from);
    if (!next) break;
    times.push_back(*next);
    from = *next;
  }
  return times;
}

std::string CronRule::describe() const {
  const Compiled& c = *compiled_;
  std::string text = cron::describeRule(c.rule);
  // An interval is the same in every time zone.
  if (c.rule.fields) text += ", " + c.timeZone;
  return text;
}

const std::string& CronRule::expression() const { return compiled_->expression; }
const std::string& CronRule::timeZone() const { return compiled_->timeZone; }

bool operator==(const CronRule& a, const CronRule& b) {
  return a.expression() == b.expression() && a.timeZone() == b.timeZone();
}

}  // namespace pledge::server
