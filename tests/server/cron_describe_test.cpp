// Cron rules in words (CronRule::describe), as the CLI and the console show them.
#include <gtest/gtest.h>

#include "pledge/server/schedule/cron.h"

namespace pledge::server::testing {
namespace {

std::string describe(std::string_view rule, std::string_view zone = "UTC") {
  return CronRule::parse(rule, zone).describe();
}

TEST(CronRuleDescribe, namesTheClockTimesAndTheZone) {
  EXPECT_EQ(describe("0 2 * * *", "Europe/Berlin"), "at 02:00 every day, Europe/Berlin");
  EXPECT_EQ(describe("30 9 * * MON-FRI"), "at 09:30 on Mon-Fri, UTC");
  EXPECT_EQ(describe("0 9,17 * * *"), "at 09:00 and 17:00 every day, UTC");
  EXPECT_EQ(describe("0,30 8,12 * * *"), "at 08:00, 08:30, 12:00 and 12:30 every day, UTC");
  EXPECT_EQ(describe("15 30 6 * * *"), "at 06:30:15 every day, UTC");
}

TEST(CronRuleDescribe, saysEveryForUnrestrictedTimes) {
  EXPECT_EQ(describe("* * * * *"), "every minute every day, UTC");
  EXPECT_EQ(describe("* * * * * *"), "every second every day, UTC");
  EXPECT_EQ(describe("5 * * * *"), "at minute 5 of every hour every day, UTC");
  EXPECT_EQ(describe("*/15 9-17 * * *"), "at minute 0,15,30,45 of hour 9-17 every day, UTC");
  EXPECT_EQ(describe("* 9 * * *"), "every minute of hour 9 every day, UTC");
  EXPECT_EQ(describe("*/10 * * * * *"),
            "at second 0,10,20,30,40,50 of every minute every day, UTC");
}

TEST(CronRuleDescribe, namesDaysMonthsAndTheDayRule) {
  EXPECT_EQ(describe("0 0 1 * *"), "at 00:00 on day 1 of the month, UTC");
  EXPECT_EQ(describe("0 0 1 1 *"), "at 00:00 on day 1 of the month in Jan, UTC");
  EXPECT_EQ(describe("0 0 * * 0"), "at 00:00 on Sun, UTC");
  EXPECT_EQ(describe("0 0 * * 0,6"), "at 00:00 on Sun,Sat, UTC");
  EXPECT_EQ(describe("0 0 13 * FRI"), "at 00:00 on day 13 of the month and on every Fri, UTC");
  EXPECT_EQ(describe("0 0 */2 * MON"),
            "at 00:00 on day 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 of the month if it is "
            "a Mon, UTC");
  EXPECT_EQ(describe("0 0 * 6-8 *"), "at 00:00 every day in Jun-Aug, UTC");
}

TEST(CronRuleDescribe, anIntervalHasNoZone) {
  EXPECT_EQ(describe("@every 10m", "Europe/Berlin"), "every 10m");
  EXPECT_EQ(describe("@every 1h30m"), "every 1h30m");
  EXPECT_EQ(describe("@every 1d1500ms"), "every 1d1s500ms");
  EXPECT_EQ(describe("@hourly"), "at minute 0 of every hour every day, UTC");
}

}  // namespace
}  // namespace pledge::server::testing
