// Cron rules (docs/operations.md, "Cron rules"): fields, steps, names, the day rule, seconds,
// macros and @every, read in UTC (time zones and daylight saving: cron_time_zone_test.cpp).
#include "pledge/server/schedule/cron.h"

#include <gtest/gtest.h>

#include <limits>

#include "cron_test_support.h"
#include "pledge/error.h"

namespace pledge::server::testing {
namespace {

using Fires = std::vector<std::string>;

TEST(CronRule, everyMinuteFiresAtTheNextWholeMinute) {
  EXPECT_EQ(nextFire("* * * * *", "2026-12-04T10:15:30Z"), "2026-12-04T10:16:00Z");
  EXPECT_EQ(nextFire("* * * * *", "2026-12-04T23:59:59Z"), "2026-12-05T00:00:00Z");
}

TEST(CronRule, nextFireIsStrictlyAfterTheGivenInstant) {
  EXPECT_EQ(nextFire("0 2 * * *", "2026-12-04T02:00:00Z"), "2026-12-05T02:00:00Z");
  EXPECT_EQ(nextFire("0 2 * * *", "2026-12-04T01:59:59.999Z"), "2026-12-04T02:00:00Z");
  EXPECT_EQ(nextFire("0 2 * * *", "2026-12-04T02:00:00.001Z"), "2026-12-05T02:00:00Z");
}

TEST(CronRule, fixedTimesOfDayFireEachDay) {
  EXPECT_EQ(fires("30 8,17 * * *", "2026-12-04T09:00:00Z", 3),
            (Fires{"2026-12-04T17:30:00Z", "2026-12-05T08:30:00Z", "2026-12-05T17:30:00Z"}));
  EXPECT_EQ(nextFire("59 23 * * *", "2026-12-31T23:59:00Z"), "2027-01-01T23:59:00Z");
}

TEST(CronRule, stepsCountFromTheStartOfTheirRange) {
  EXPECT_EQ(fires("*/15 * * * *", "2026-12-04T10:07:00Z", 4),
            (Fires{"2026-12-04T10:15:00Z", "2026-12-04T10:30:00Z", "2026-12-04T10:45:00Z",
                   "2026-12-04T11:00:00Z"}));
  EXPECT_EQ(fires("5-20/5 * * * *", "2026-12-04T10:00:00Z", 5),
            (Fires{"2026-12-04T10:05:00Z", "2026-12-04T10:10:00Z", "2026-12-04T10:15:00Z",
                   "2026-12-04T10:20:00Z", "2026-12-04T11:05:00Z"}));
  EXPECT_EQ(fires("10/20 * * * *", "2026-12-04T10:00:00Z", 4),
            (Fires{"2026-12-04T10:10:00Z", "2026-12-04T10:30:00Z", "2026-12-04T10:50:00Z",
                   "2026-12-04T11:10:00Z"}));
  EXPECT_EQ(fires("0 */6 * * *", "2026-12-04T07:00:00Z", 3),
            (Fires{"2026-12-04T12:00:00Z", "2026-12-04T18:00:00Z", "2026-12-05T00:00:00Z"}));
  EXPECT_EQ(nextFire("0 0 1 */5 *", "2026-07-01T00:00:00Z"), "2026-11-01T00:00:00Z");
}

TEST(CronRule, listsMixNumbersRangesAndSteps) {
  EXPECT_EQ(fires("1,2,40-42,50/5 3 * * *", "2026-12-04T00:00:00Z", 8),
            (Fires{"2026-12-04T03:01:00Z", "2026-12-04T03:02:00Z", "2026-12-04T03:40:00Z",
                   "2026-12-04T03:41:00Z", "2026-12-04T03:42:00Z", "2026-12-04T03:50:00Z",
                   "2026-12-04T03:55:00Z", "2026-12-05T03:01:00Z"}));
}

TEST(CronRule, monthAndWeekdayNamesIgnoreCase) {
  // 2026-12-04 is a Friday.
  EXPECT_EQ(fires("0 9 * * MON-FRI", "2026-12-04T10:00:00Z", 2),
            (Fires{"2026-12-07T09:00:00Z", "2026-12-08T09:00:00Z"}));
  EXPECT_EQ(nextFire("0 9 * * mon-fri", "2026-12-04T10:00:00Z"), "2026-12-07T09:00:00Z");
  EXPECT_EQ(nextFire("0 9 * * Sat,sun", "2026-12-04T10:00:00Z"), "2026-12-05T09:00:00Z");
  EXPECT_EQ(nextFire("0 0 1 jan,Jul *", "2026-12-04T00:00:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(nextFire("0 0 1 FEB-MAR/1 *", "2026-12-04T00:00:00Z"), "2027-02-01T00:00:00Z");
}

TEST(CronRule, sundayIsBothZeroAndSeven) {
  const std::string sunday = "2026-12-06T00:00:00Z";
  EXPECT_EQ(nextFire("0 0 * * 0", "2026-12-04T00:00:00Z"), sunday);
  EXPECT_EQ(nextFire("0 0 * * 7", "2026-12-04T00:00:00Z"), sunday);
  EXPECT_EQ(nextFire("0 0 * * SUN", "2026-12-04T00:00:00Z"), sunday);
  EXPECT_EQ(fires("0 0 * * 5-7", "2026-12-03T12:00:00Z", 4),
            (Fires{"2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z", sunday,
                   "2026-12-11T00:00:00Z"}));
}

TEST(CronRule, questionMarkIsAStarInDayFields) {
  EXPECT_EQ(nextFire("0 0 ? * MON", "2026-12-04T00:00:00Z"), "2026-12-07T00:00:00Z");
  EXPECT_EQ(nextFire("0 0 15 * ?", "2026-12-04T00:00:00Z"), "2026-12-15T00:00:00Z");
}

TEST(CronRule, dayOfMonthAndDayOfWeekBothRestrictedMatchEither) {
  // Fridays and every 13th: Fri 4, Fri 11, Sun 13, Fri 18.
  EXPECT_EQ(fires("0 0 13 * FRI", "2026-12-03T00:00:00Z", 4),
            (Fires{"2026-12-04T00:00:00Z", "2026-12-11T00:00:00Z", "2026-12-13T00:00:00Z",
                   "2026-12-18T00:00:00Z"}));
}

TEST(CronRule, aDayFieldWrittenWithAStarMakesBothDayFieldsMatch) {
  // Vixie cron: */2 begins with *, so only odd days that are Mondays (7, 21 December).
  EXPECT_EQ(fires("0 0 */2 * MON", "2026-12-01T00:00:00Z", 2),
            (Fires{"2026-12-07T00:00:00Z", "2026-12-21T00:00:00Z"}));
  // Written as a range the field is restricted: odd days or Mondays.
  EXPECT_EQ(fires("0 0 1-31/2 * MON", "2026-12-01T12:00:00Z", 3),
            (Fires{"2026-12-03T00:00:00Z", "2026-12-05T00:00:00Z", "2026-12-07T00:00:00Z"}));
}

TEST(CronRule, monthEndsAreSkippedWhereTheDayDoesNotExist) {
  EXPECT_EQ(fires("0 0 31 * *", "2026-01-31T00:00:00Z", 3),
            (Fires{"2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z"}));
  EXPECT_EQ(nextFire("0 0 31 * *", "2026-12-31T00:00:00Z"), "2027-01-31T00:00:00Z");
  EXPECT_EQ(nextFire("0 0 30 * *", "2026-01-30T00:00:00Z"), "2026-03-30T00:00:00Z");
}

TEST(CronRule, theTwentyNinthOfFebruaryWaitsForALeapYear) {
  EXPECT_EQ(nextFire("0 0 29 2 *", "2026-12-04T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(nextFire("0 0 29 2 *", "2028-02-29T00:00:00Z"), "2032-02-29T00:00:00Z");
  // 2100 is no leap year: eight years from 2096 to 2104.
  EXPECT_EQ(nextFire("0 0 29 2 *", "2096-03-01T00:00:00Z"), "2104-02-29T00:00:00Z");
  EXPECT_EQ(nextFire("0 0 * 2 *", "2028-02-28T12:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(nextFire("0 0 * 2 *", "2027-02-28T12:00:00Z"), "2028-02-01T00:00:00Z");
}

TEST(CronRule, aDateThatNeverExistsHasNoNextFire) {
  EXPECT_EQ(nextFire("0 0 30 2 *", "2026-12-04T00:00:00Z"), "never");
  EXPECT_EQ(nextFire("0 0 31 4,6,9,11 *", "2026-12-04T00:00:00Z"), "never");
  EXPECT_EQ(nextFire("0 0 30 2 *", "2026-12-04T00:00:00Z", "Europe/Berlin"), "never");
  EXPECT_TRUE(CronRule::parse("0 0 30 2 *").upcoming(0, 5).empty());
}

TEST(CronRule, sixFieldsStartWithSeconds) {
  EXPECT_EQ(fires("*/20 * * * * *", "2026-12-04T10:00:05Z", 3),
            (Fires{"2026-12-04T10:00:20Z", "2026-12-04T10:00:40Z", "2026-12-04T10:01:00Z"}));
  EXPECT_EQ(nextFire("30 0 12 * * *", "2026-12-04T12:00:30Z"), "2026-12-05T12:00:30Z");
  EXPECT_EQ(nextFire("* * * * * *", "2026-12-04T10:00:05.500Z"), "2026-12-04T10:00:06Z");
  EXPECT_EQ(nextFire("59 59 23 31 12 *", "2026-06-01T00:00:00Z"), "2026-12-31T23:59:59Z");
}

TEST(CronRule, macrosAreTheirFiveFields) {
  const std::string from = "2026-12-04T10:00:00Z";
  EXPECT_EQ(nextFire("@yearly", from), "2027-01-01T00:00:00Z");
  EXPECT_EQ(nextFire("@annually", from), "2027-01-01T00:00:00Z");
  EXPECT_EQ(nextFire("@monthly", from), "2027-01-01T00:00:00Z");
  EXPECT_EQ(nextFire("@weekly", from), "2026-12-06T00:00:00Z");
  EXPECT_EQ(nextFire("@daily", from), "2026-12-05T00:00:00Z");
  EXPECT_EQ(nextFire("@midnight", from), "2026-12-05T00:00:00Z");
  EXPECT_EQ(nextFire("@hourly", from), "2026-12-04T11:00:00Z");
  EXPECT_EQ(nextFire("  @Daily ", from), "2026-12-05T00:00:00Z");
}

TEST(CronRule, everyFiresAtMultiplesOfItsIntervalSinceTheEpoch) {
  EXPECT_EQ(fires("@every 10m", "2026-12-04T10:07:00Z", 2),
            (Fires{"2026-12-04T10:10:00Z", "2026-12-04T10:20:00Z"}));
  // 1h30m divides a day into 16: 00:00, 01:30, ... the same on every node.
  EXPECT_EQ(fires("@every 1h30m", "2026-12-04T10:00:00Z", 2),
            (Fires{"2026-12-04T10:30:00Z", "2026-12-04T12:00:00Z"}));
  EXPECT_EQ(fires("@every 1500ms", "1970-01-01T00:00:00Z", 2),
            (Fires{"1970-01-01T00:00:01.500Z", "1970-01-01T00:00:03Z"}));
  EXPECT_EQ(nextFire("@every 2 minutes", "2026-12-04T10:00:00Z"), "2026-12-04T10:02:00Z");
  EXPECT_EQ(nextFire("@EVERY 1d", "2026-12-04T10:00:00Z"), "2026-12-05T00:00:00Z");
}

TEST(CronRule, everyIgnoresTheTimeZone) {
  EXPECT_EQ(nextFire("@every 1h", "2026-10-25T00:30:00Z", "Europe/Berlin"),
            nextFire("@every 1h", "2026-10-25T00:30:00Z"));
}

TEST(CronRule, whitespaceAroundAndBetweenFieldsIsIgnored) {
  EXPECT_EQ(nextFire("  0\t2   * *\t* \n", "2026-12-04T03:00:00Z"), "2026-12-05T02:00:00Z");
  EXPECT_EQ(nextFire("@every   10m  ", "2026-12-04T10:07:00Z"), "2026-12-04T10:10:00Z");
}

TEST(CronRule, upcomingListsTheNextFiresInOrder) {
  EXPECT_EQ(fires("0 0 1 * *", "2026-12-04T00:00:00Z", 3),
            (Fires{"2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z", "2027-03-01T00:00:00Z"}));
  EXPECT_TRUE(fires("0 0 1 * *", "2026-12-04T00:00:00Z", 0).empty());
  EXPECT_THROW(CronRule::parse("@daily").upcoming(0, -1), Error);
}

TEST(CronRule, theSearchStopsAtTheYear9999AndSurvivesAnyInstant) {
  EXPECT_EQ(nextFire("0 0 * * *", "9999-12-31T12:00:00Z"), "never");
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  for (const char* zone : {"UTC", "Europe/Berlin"}) {
    for (const char* rule : {"* * * * * *", "0 0 29 2 *", "@every 1s"}) {
      const CronRule parsed = CronRule::parse(rule, zone);
      EXPECT_EQ(parsed.nextAfter(kMax), std::nullopt) << rule << " " << zone;
      const auto first = parsed.nextAfter(kMin);
      ASSERT_TRUE(first.has_value()) << rule << " " << zone;
      EXPECT_LT(*first, 0) << rule << " " << zone;
    }
  }
}

TEST(CronRule, isAValueOfItsExpressionAndTimeZone) {
  const CronRule rule = CronRule::parse(" 0 2 * * * ", "Europe/Berlin");
  EXPECT_EQ(rule.expression(), " 0 2 * * * ");
  EXPECT_EQ(rule.timeZone(), "Europe/Berlin");
  const CronRule copy = rule;
  EXPECT_EQ(copy, rule);
  EXPECT_EQ(CronRule::parse(" 0 2 * * * ", "Europe/Berlin"), rule);
  EXPECT_FALSE(CronRule::parse("0 2 * * *", "Europe/Berlin") == rule);
  EXPECT_FALSE(CronRule::parse(" 0 2 * * * ") == rule);
  EXPECT_EQ(CronRule::parse("0 2 * * *").timeZone(), "UTC");
}

}  // namespace
}  // namespace pledge::server::testing
