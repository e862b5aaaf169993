// Cron rules: when a schedule fires. A rule is a cron expression read in an IANA time zone;
// docs/operations.md ("Cron rules") is the syntax and the daylight-saving behaviour.
//
//   CronRule rule = CronRule::parse("30 2 * * MON-FRI", "Europe/Berlin");
//   std::optional<std::int64_t> next = rule.nextAfter(nowMs);   // epoch ms, nullopt: never
//   std::vector<std::int64_t> five = rule.upcoming(nowMs, 5);
//   std::string text = rule.describe();      // "at 02:30 on Mon-Fri, Europe/Berlin"
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pledge::server {

// A parsed cron rule. An immutable value: copies share the parsed form, every member is
// thread-safe, two rules are equal when their expression and time zone are.
class CronRule {
 public:
  // Throws pledge::Error(ErrorCode::BadRequest) whose message says what is wrong and where
  // (e.g. "cron field 2 (hour): 25 is out of range 0-23; ...") and how to write it, or names the
  // unknown time zone; Error(Internal) when the system's time zone database (package tzdata)
  // cannot be read.
  static CronRule parse(std::string_view expression, std::string_view timeZone = "UTC");

  // The first fire time strictly after epochMs (epoch milliseconds), nullopt when none exists
  // (e.g. "0 0 30 2 *"): the search looks 10 years ahead and ends at the year 9999.
  std::optional<std::int64_t> nextAfter(std::int64_t epochMs) const;
  // The next count fire times after afterMs, in order; fewer when the rule runs out.
  std::vector<std::int64_t> upcoming(std::int64_t afterMs, int count) const;
  // The rule in words, with its time zone: "at 02:00 every day, Europe/Berlin".
  std::string describe() const;

  const std::string& expression() const;
  const std::string& timeZone() const;

  friend bool operator==(const CronRule& a, const CronRule& b);

 private:
  struct Compiled;
  explicit CronRule(std::shared_ptr<const Compiled> compiled);

  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace pledge::server
