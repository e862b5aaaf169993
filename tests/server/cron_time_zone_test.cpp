// Cron rules read in a time zone (docs/operations.md, "Cron rules"): wall-clock fields, and the
// daylight-saving changes of Europe/Berlin (2026: 02:00 -> 03:00 on 29 March, 03:00 -> 02:00 on
// 25 October) and America/New_York (02:00 -> 03:00 on 8 March, 02:00 -> 01:00 on 1 November).
// Expected instants are UTC; the comments give the wall clock.
#include <gtest/gtest.h>

#include <set>

#include "cron_test_support.h"

namespace pledge::server::testing {
namespace {

using Fires = std::vector<std::string>;
constexpr std::string_view kBerlin = "Europe/Berlin";
constexpr std::string_view kNewYork = "America/New_York";

TEST(CronRuleTimeZones, fieldsAreTheWallClockOfTheZone) {
  EXPECT_EQ(nextFire("0 2 * * *", "2026-12-04T12:00:00Z", kBerlin), "2026-12-05T01:00:00Z");
  EXPECT_EQ(nextFire("0 2 * * *", "2026-07-04T12:00:00Z", kBerlin), "2026-07-05T00:00:00Z");
  EXPECT_EQ(nextFire("0 2 * * *", "2026-12-04T12:00:00Z", kNewYork), "2026-12-05T07:00:00Z");
  EXPECT_EQ(nextFire("0 9 * * *", "2026-12-04T12:00:00Z", "Asia/Kolkata"), "2026-12-05T03:30:00Z");
  EXPECT_EQ(nextFire("0 2 * * *", "2026-12-04T12:00:00Z", "Etc/UTC"), "2026-12-05T02:00:00Z");
}

TEST(CronRuleTimeZones, theDateIsTheZonesDateToo) {
  // 23:30 UTC on Friday 4 December is 00:30 on Saturday in Berlin.
  EXPECT_EQ(nextFire("0 1 * * SAT", "2026-12-04T23:30:00Z", kBerlin), "2026-12-05T00:00:00Z");
  EXPECT_EQ(nextFire("0 0 1 1 *", "2026-12-31T22:59:59Z", kBerlin), "2026-12-31T23:00:00Z");
  EXPECT_EQ(nextFire("0 0 1 1 *", "2026-12-31T23:00:00Z", kBerlin), "2027-12-31T23:00:00Z");
}

TEST(CronRuleTimeZones, aTimeInTheSpringGapFiresAtTheEndOfTheGap) {
  // 02:30 does not exist on 29 March in Berlin: it fires at 03:00 CEST (01:00 UTC).
  EXPECT_EQ(fires("30 2 * * *", "2026-03-28T00:00:00Z", 3, kBerlin),
            (Fires{"2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"}));
  // New York: 02:30 on 8 March fires at 03:00 EDT (07:00 UTC).
  EXPECT_EQ(fires("30 2 * * *", "2026-03-07T00:00:00Z", 3, kNewYork),
            (Fires{"2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}));
}

TEST(CronRuleTimeZones, manyTimesInTheSpringGapFireOnceAtItsEnd) {
  // Every quarter hour: 01:45 CET, then 02:00-02:45 do not exist: one fire at 03:00 CEST.
  EXPECT_EQ(fires("*/15 * * * *", "2026-03-29T00:40:00Z", 4, kBerlin),
            (Fires{"2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z",
                   "2026-03-29T01:30:00Z"}));
  EXPECT_EQ(fires("*/15 2 * * *", "2026-03-29T00:00:00Z", 2, kBerlin),
            (Fires{"2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"}));
  // A rule naming both 02:30 and 03:00 fires once at 03:00 CEST.
  EXPECT_EQ(fires("0,30 2,3 * * *", "2026-03-29T00:00:00Z", 3, kBerlin),
            (Fires{"2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:00:00Z"}));
}

TEST(CronRuleTimeZones, aTimeTheFallBackRepeatsFiresOnlyTheFirstTime) {
  // 02:30 on 25 October in Berlin is 00:30 UTC (CEST) and 01:30 UTC (CET): only the first.
  EXPECT_EQ(fires("30 2 * * *", "2026-10-24T12:00:00Z", 2, kBerlin),
            (Fires{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}));
  // New York: 01:30 on 1 November is 05:30 UTC (EDT) and 06:30 UTC (EST).
  EXPECT_EQ(fires("30 1 * * *", "2026-10-31T12:00:00Z", 2, kNewYork),
            (Fires{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}));
}

TEST(CronRuleTimeZones, anHourlyRuleSkipsTheRepeatedHour) {
  // 02:00 CEST (00:00 UTC), then 02:00 CET (01:00 UTC) is its second showing, then 03:00 CET.
  EXPECT_EQ(fires("0 * * * *", "2026-10-24T23:30:00Z", 3, kBerlin),
            (Fires{"2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"}));
}

TEST(CronRuleTimeZones, startingInsideTheRepeatedHourWaitsForItsEnd) {
  // 01:10 UTC is 02:10 CET, the second showing: 02:15-02:45 already fired as CEST.
  EXPECT_EQ(nextFire("*/15 * * * *", "2026-10-25T01:10:00Z", kBerlin), "2026-10-25T02:00:00Z");
  // Between the first showing's fires it still fires in the first showing.
  EXPECT_EQ(nextFire("*/15 * * * *", "2026-10-25T00:10:00Z", kBerlin), "2026-10-25T00:15:00Z");
}

TEST(CronRuleTimeZones, halfHourChangesAndSkippedDaysFollowTheSameRules) {
  // Lord Howe Island turns its clocks back 30 minutes at 02:00 on 5 April 2026 (+11 -> +10:30):
  // 01:45 comes at 14:45 UTC (+11), again at 15:15 UTC (+10:30), and fires the first time.
  EXPECT_EQ(fires("45 1 * * *", "2026-04-03T12:00:00Z", 3, "Australia/Lord_Howe"),
            (Fires{"2026-04-03T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"}));
  // Samoa skipped 30 December 2011 (-10 -> +14 at midnight): that day's noon fires at the end of
  // the gap, 00:00 on 31 December (10:00 UTC).
  EXPECT_EQ(fires("0 12 * * *", "2011-12-29T00:00:00Z", 3, "Pacific/Apia"),
            (Fires{"2011-12-29T22:00:00Z", "2011-12-30T10:00:00Z", "2011-12-30T22:00:00Z"}));
}

TEST(CronRuleTimeZones, aDailyRuleFiresOnceOnEveryDayOfAYear) {
  for (std::string_view zone : {kBerlin, kNewYork}) {
    for (std::string_view rule : {"30 2 * * *", "30 1 * * *", "0 12 * * *"}) {
      const CronRule parsed = CronRule::parse(rule, zone);
      std::vector<std::int64_t> year;
      for (std::int64_t ms : parsed.upcoming(epochMs("2025-12-31T12:00:00Z"), 400)) {
        if (ms < epochMs("2026-12-31T12:00:00Z")) year.push_back(ms);
      }
      EXPECT_EQ(year.size(), 365U) << rule << " " << zone;
      std::set<std::int64_t> distinct(year.begin(), year.end());
      EXPECT_EQ(distinct.size(), year.size()) << rule << " " << zone;
      for (std::size_t i = 1; i < year.size(); ++i) {
        // 23, 24 or 25 hours apart.
        EXPECT_GE(year[i] - year[i - 1], 23 * 3'600'000) << rule << " " << zone;
        EXPECT_LE(year[i] - year[i - 1], 25 * 3'600'000) << rule << " " << zone;
      }
    }
  }
}

}  // namespace
}  // namespace pledge::server::testing
