// Cron rules on any text in any time zone: the first line is the zone, the rest the expression.
// Parsing either gives a rule or throws a BadRequest with a readable message; a rule's fire times
// from instants around daylight-saving changes, year ends and the ends of the range strictly
// increase, and upcoming() lists the same times.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "pledge/error.h"
#include "pledge/server/schedule/cron.h"
#include "pledge/text.h"

namespace {

using pledge::server::CronRule;

constexpr std::int64_t kStarts[] = {
    std::numeric_limits<std::int64_t>::min(),
    -1,
    1'325'116'800'000,    // 2011-12-29T00:00Z: Pacific/Apia skips 30 December
    1'774'744'200'000,    // 2026-03-29T00:30Z: Europe/Berlin springs forward at 01:00Z
    1'792'888'200'000,    // 2026-10-25T00:30Z: Europe/Berlin falls back at 01:00Z
    1'798'761'599'500,    // 2026-12-31T23:59:59.5Z
    4'107'456'000'000,    // 2100-02-28T00:00Z: no 29 February
    253'402'214'400'000,  // 9999-12-31T00:00Z
    std::numeric_limits<std::int64_t>::max(),
};

void checkFireTimes(const CronRule& rule) {
  for (const std::int64_t start : kStarts) {
    std::int64_t previous = start;
    std::vector<std::int64_t> chain;
    for (int i = 0; i < 3; ++i) {
      const std::optional<std::int64_t> next = rule.nextAfter(previous);
      if (!next) break;
      pledge::fuzz::check(*next > previous, "a fire time that is not after the instant asked");
      chain.push_back(*next);
      previous = *next;
    }
    pledge::fuzz::check(rule.upcoming(start, 3) == chain, "upcoming() differs from nextAfter()");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const bool hasZone = newline != std::string_view::npos;
  const std::string_view zone = hasZone ? input.substr(0, newline) : "UTC";
  const std::string_view expression = hasZone ? input.substr(newline + 1) : input;
  try {
    const CronRule rule = CronRule::parse(expression, zone);
    pledge::fuzz::check(rule == CronRule::parse(rule.expression(), rule.timeZone()),
                        "a rule that parses differently the second time");
    pledge::fuzz::check(!rule.describe().empty(), "a rule without a description");
    checkFireTimes(rule);
  } catch (const pledge::Error& error) {
    pledge::fuzz::check(error.code() == pledge::ErrorCode::BadRequest,
                        "an error that is not a BadRequest: " + error.message());
    pledge::fuzz::check(!error.message().empty() && pledge::isValidUtf8(error.message()),
                        "an error message that is empty or not UTF-8");
  }
  return 0;
}
