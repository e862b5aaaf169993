#include "pledge/duration.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

constexpr std::int64_t kYearMs = 365LL * 86'400'000;

TEST(Duration, unitsAndTheirLongNamesAddUp) {
  EXPECT_EQ(parseDurationText("30s", kYearMs), 30'000);
  EXPECT_EQ(parseDurationText("10 m", kYearMs), 600'000);
  EXPECT_EQ(parseDurationText("1h 30m", kYearMs), 5'400'000);
  EXPECT_EQ(parseDurationText("1h30m", kYearMs), 5'400'000);
  EXPECT_EQ(parseDurationText("1 days 2 hours", kYearMs), 93'600'000);
  EXPECT_EQ(parseDurationText("2 minutes 5 sec", kYearMs), 125'000);
  EXPECT_EQ(parseDurationText("250ms", kYearMs), 250);
  EXPECT_EQ(parseDurationText("0s", kYearMs), 0);
}

TEST(Duration, anythingElseOrTooLongIsNone) {
  EXPECT_EQ(parseDurationText("", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("  ", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("soon", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("30", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("5 weeks", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("-5s", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("2h", 3'600'000), std::nullopt);
  EXPECT_EQ(parseDurationText("999999999999d", kYearMs), std::nullopt);
}

TEST(Duration, isWrittenAsTheShortestTextThatReadsBack) {
  EXPECT_EQ(durationText(5'400'000), "1h 30m");
  EXPECT_EQ(durationText(30'000), "30s");
  EXPECT_EQ(durationText(93'600'250), "1d 2h 250ms");
  EXPECT_EQ(durationText(0), "0s");
  for (std::int64_t ms : {1LL, 999LL, 61'000LL, 86'400'001LL}) {
    EXPECT_EQ(parseDurationText(durationText(ms), kYearMs), ms) << ms;
  }
}

}  // namespace
}  // namespace pledge
