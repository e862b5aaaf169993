// Cron rules that cannot be read: each answer is a BadRequest whose message names the field
// (number and name), quotes what was written and says how to write it.
#include <gtest/gtest.h>

#include "pledge/error.h"
#include "pledge/server/schedule/cron.h"

namespace pledge::server::testing {
namespace {

// The message of the BadRequest that parsing throws, or what went wrong instead.
std::string errorOf(std::string_view rule, std::string_view zone = "UTC") {
  try {
    (void)CronRule::parse(rule, zone);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::BadRequest) return "not a BadRequest: " + error.message();
    return error.message();
  }
  return "parsed";
}

// The message up to the first "; " (what is wrong, without how to write it).
std::string problemOf(std::string_view rule, std::string_view zone = "UTC") {
  const std::string message = errorOf(rule, zone);
  return message.substr(0, message.find("; "));
}

constexpr std::string_view kHourHelp =
    "; write *, values 0-23 as n, a-b, */n, a-b/n or a/n, or a list of these (a,b)";
constexpr std::string_view kForms =
    "write 5 fields (minute hour day-of-month month day-of-week), 6 (second first), or one of "
    "@yearly @monthly @weekly @daily @hourly @every <duration>";

TEST(CronRuleErrors, aValueOutOfRangeNamesTheFieldAndTheRange) {
  EXPECT_EQ(errorOf("0 25 * * *"), "cron field 2 (hour): 25 is out of range 0-23" +
                                       std::string(kHourHelp));
  EXPECT_EQ(problemOf("60 * * * *"), "cron field 1 (minute): 60 is out of range 0-59");
  EXPECT_EQ(problemOf("* * 0 * *"),
            "cron field 3 (day-of-month): 0 is out of range 1-31");
  EXPECT_EQ(problemOf("* * 32 * *"),
            "cron field 3 (day-of-month): 32 is out of range 1-31");
  EXPECT_EQ(problemOf("* * * 13 *"), "cron field 4 (month): 13 is out of range 1-12");
  EXPECT_EQ(problemOf("* * * * 8"),
            "cron field 5 (day-of-week): 8 is out of range 0-7");
  EXPECT_EQ(problemOf("* * * * 99999999999"),
            "cron field 5 (day-of-week): 99999999999 is out of range 0-7");
}

TEST(CronRuleErrors, fieldsAreNumberedFromTheSecondsInSixFieldRules) {
  EXPECT_EQ(problemOf("60 0 * * * *"),
            "cron field 1 (second): 60 is out of range 0-59");
  EXPECT_EQ(problemOf("0 0 24 * * *"), "cron field 3 (hour): 24 is out of range 0-23");
}

TEST(CronRuleErrors, theHelpNamesTheValuesAndNamesOfTheField) {
  EXPECT_EQ(errorOf("* * * JUNE *"),
            "cron field 4 (month): 'JUNE' is not a number or a name; write *, values 1-12 or "
            "JAN-DEC as n, a-b, */n, a-b/n or a/n, or a list of these (a,b)");
  EXPECT_EQ(errorOf("* * * * L"),
            "cron field 5 (day-of-week): 'L' is not a number or a name; write *, ? (as *), "
            "values 0-7 (0 and 7 are Sunday) or SUN-SAT as n, a-b, */n, a-b/n or a/n, or a list "
            "of these (a,b)");
  EXPECT_EQ(problemOf("* * * MON *"),
            "cron field 4 (month): 'MON' is not a number or a name");
  EXPECT_EQ(problemOf("x * * * *"), "cron field 1 (minute): 'x' is not a number");
}

TEST(CronRuleErrors, unsupportedExtensionsAreRejected) {
  EXPECT_EQ(problemOf("* * L * *"), "cron field 3 (day-of-month): 'L' is not a number");
  EXPECT_EQ(problemOf("* * 15W * *"),
            "cron field 3 (day-of-month): '15W' is not a number");
  EXPECT_EQ(problemOf("* * * * 5#2"),
            "cron field 5 (day-of-week): '5#2' is not a number or a name");
  EXPECT_EQ(problemOf("? * * * *"), "cron field 1 (minute): '?' is not a number");
}

TEST(CronRuleErrors, rangesStepsAndListsMustBeWhole) {
  EXPECT_EQ(problemOf("30-10 * * * *"),
            "cron field 1 (minute): range '30-10' ends before it starts (ranges do not wrap "
            "around)");
  EXPECT_EQ(problemOf("* * * * FRI-MON"),
            "cron field 5 (day-of-week): range 'FRI-MON' ends before it starts (ranges do not "
            "wrap around)");
  EXPECT_EQ(problemOf("*/0 * * * *"),
            "cron field 1 (minute): step 0 is out of range 1-59");
  EXPECT_EQ(problemOf("* */24 * * *"), "cron field 2 (hour): step 24 is out of range 1-23");
  EXPECT_EQ(problemOf("*/x * * * *"), "cron field 1 (minute): step 'x' is not a number");
  EXPECT_EQ(problemOf("1,,2 * * * *"),
            "cron field 1 (minute): '1,,2' has an empty list item");
  EXPECT_EQ(problemOf("1, * * * *"), "cron field 1 (minute): '1,' has an empty list item");
  EXPECT_EQ(problemOf("1- * * * *"), "cron field 1 (minute): a value is missing");
  EXPECT_EQ(problemOf("1-2-3 * * * *"), "cron field 1 (minute): '2-3' is not a number");
}

TEST(CronRuleErrors, theNumberOfFieldsMustBeFiveOrSix) {
  EXPECT_EQ(errorOf("* * * *"), "cron rule '* * * *' has 4 fields; " + std::string(kForms));
  EXPECT_EQ(errorOf("* * * * * * *"),
            "cron rule '* * * * * * *' has 7 fields; " + std::string(kForms));
  EXPECT_EQ(errorOf("daily"), "cron rule 'daily' has 1 field; " + std::string(kForms));
  EXPECT_EQ(errorOf(""), "cron rule is empty; " + std::string(kForms));
  EXPECT_EQ(errorOf(" \t\n"), "cron rule is empty; " + std::string(kForms));
}

TEST(CronRuleErrors, macrosMustBeKnownAndStandAlone) {
  EXPECT_EQ(errorOf("@fortnightly"),
            "cron rule '@fortnightly': @fortnightly is not a known macro; " + std::string(kForms));
  EXPECT_EQ(errorOf("@daily 5"),
            "cron rule '@daily 5': @daily takes nothing after it; " + std::string(kForms));
  EXPECT_EQ(problemOf("@ * * * *"), "cron rule '@ * * * *': @ is not a known macro");
}

TEST(CronRuleErrors, everyNeedsADurationFromOneSecondTo366Days) {
  const std::string help = "; write a number with a unit ms, s, m, h or d, combinable like "
                           "@every 1h30m, from 1s to 366d";
  EXPECT_EQ(errorOf("@every"), "cron rule '@every': '' is not a duration" + help);
  EXPECT_EQ(errorOf("@every 10"), "cron rule '@every 10': '10' is not a duration" + help);
  EXPECT_EQ(errorOf("@every 10x"), "cron rule '@every 10x': '10x' is not a duration" + help);
  EXPECT_EQ(errorOf("@every 999ms"),
            "cron rule '@every 999ms': the interval is shorter than 1s" + help);
  EXPECT_EQ(errorOf("@every 367d"),
            "cron rule '@every 367d': the interval is longer than 366d" + help);
  EXPECT_EQ(errorOf("@every 99999999999999d"),
            "cron rule '@every 99999999999999d': '99999999999999d' is not a duration" + help);
  EXPECT_EQ(errorOf("@every 1s"), "parsed");
  EXPECT_EQ(errorOf("@every 366d"), "parsed");
}

TEST(CronRuleErrors, anUnknownTimeZoneIsNamed) {
  const std::string help = "; write an IANA name such as UTC, Europe/Berlin or America/New_York";
  EXPECT_EQ(errorOf("@daily", "Mars/Olympus"), "unknown time zone 'Mars/Olympus'" + help);
  EXPECT_EQ(errorOf("@daily", "europe/berlin"), "unknown time zone 'europe/berlin'" + help);
  EXPECT_EQ(errorOf("@daily", "../../etc/passwd"), "unknown time zone '../../etc/passwd'" + help);
  EXPECT_EQ(errorOf("@daily", "Europe/Berlin\n"), "unknown time zone 'Europe/Berlin\\x0A'" + help);
  EXPECT_EQ(errorOf("@daily", ""), "time zone is empty" + help);
  EXPECT_EQ(problemOf("@daily", std::string(500, 'A')),
            "unknown time zone '" + std::string(80, 'A') + "...'");
  EXPECT_EQ(errorOf("@daily", "America/New_York"), "parsed");
  EXPECT_EQ(errorOf("@daily", "Etc/UTC"), "parsed");
}

TEST(CronRuleErrors, aRuleLongerThan1024BytesIsRefused) {
  std::string longRule = "0";
  while (longRule.size() <= 1024) longRule += ",0";
  longRule += " * * * *";
  EXPECT_EQ(problemOf(longRule), "cron rule is 1033 bytes long, more than 1024");
  EXPECT_EQ(errorOf("0" + std::string(1000, ' ') + "* * * *"), "parsed");
}

TEST(CronRuleErrors, bytesThatAreNotTextAreQuotedSafely) {
  EXPECT_EQ(problemOf(std::string("\x01 * * * *", 9)),
            "cron field 1 (minute): '\\x01' is not a number");
  EXPECT_EQ(problemOf(std::string("* * * * \xff", 9)),
            "cron field 5 (day-of-week): '\xEF\xBF\xBD' is not a number or a name");
}

}  // namespace
}  // namespace pledge::server::testing
