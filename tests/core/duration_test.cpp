#include "pledge/duration.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

constexpr std::int64_t kYearMs = 365LL * 86'400'000;

TEST(DurationText, readsEachUnit) {
  EXPECT_EQ(parseDurationText("250ms", kYearMs), 250);
  EXPECT_EQ(parseDurationText("30s", kYearMs), 30'000);
  EXPECT_EQ(parseDurationText("10m", kYearMs), 600'000);
  EXPECT_EQ(parseDurationText("2h", kYearMs), 7'200'000);
  EXPECT_EQ(parseDurationText("3d", kYearMs), 259'200'000);
}

TEST(DurationText, readsLongUnitNamesAndSpaces) {
  EXPECT_EQ(parseDurationText("10 m", kYearMs), 600'000);
  EXPECT_EQ(parseDurationText("2 minutes", kYearMs), 120'000);
  EXPECT_EQ(parseDurationText("1 days 2 hours", kYearMs), 93'600'000);
  EXPECT_EQ(parseDurationText("  5 sec  ", kYearMs), 5'000);
}

TEST(DurationText, addsCombinedParts) {
  EXPECT_EQ(parseDurationText("1h30m", kYearMs), 5'400'000);
  EXPECT_EQ(parseDurationText("1d2h3m4s5ms", kYearMs), 93'784'005);
}

TEST(DurationText, rejectsWhatIsNotADuration) {
  EXPECT_EQ(parseDurationText("", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("   ", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("30", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("soon", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("10x", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("-5s", kYearMs), std::nullopt);
  EXPECT_EQ(parseDurationText("1h 30", kYearMs), std::nullopt);
}

TEST(DurationText, rejectsTotalsAboveTheLimit) {
  EXPECT_EQ(parseDurationText("1000ms", 1000), 1000);
  EXPECT_EQ(parseDurationText("1001ms", 1000), std::nullopt);
  EXPECT_EQ(parseDurationText("99999999999999999999d", kYearMs), std::nullopt);
}

TEST(DurationText, isWrittenAsTheShortestTextThatReadsBack) {
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
