#include "pledge/cli/arguments.h"

#include <gtest/gtest.h>

namespace pledge::cli {
namespace {

TEST(Arguments, indexPlaceholderIsReplacedEverywhere) {
  EXPECT_EQ(substituteIndex(R"(["user-{i}", "{i}{i}"])", 7), R"(["user-7", "77"])");
  EXPECT_EQ(substituteIndex("no placeholder", 3), "no placeholder");
  EXPECT_EQ(substituteIndex("{i", 3), "{i");
}

TEST(Arguments, startTimeIsEpochMillisecondsOrSecondsFromNow) {
  EXPECT_EQ(parseStartTime("1767225600000", 5), 1767225600000);
  EXPECT_EQ(parseStartTime("+30", 1000), 31'000);
  EXPECT_FALSE(parseStartTime("soon", 0));
  EXPECT_FALSE(parseStartTime("+", 0));
  EXPECT_FALSE(parseStartTime("-5", 0));
}

TEST(Arguments, aTagIsKeyEqualsValueOrKeyColonValue) {
  std::string problem;
  EXPECT_EQ(parseTagArgument("team=billing", problem), (TagFilter{"team", "billing"}));
  EXPECT_EQ(parseTagArgument("team:billing", problem), (TagFilter{"team", "billing"}));
  EXPECT_EQ(parseTagArgument("url=http://x", problem), (TagFilter{"url", "http://x"}));
  EXPECT_EQ(parseTagArgument("env=", problem), (TagFilter{"env", ""}));
  EXPECT_FALSE(parseTagArgument("team", problem));
  EXPECT_EQ(problem, "expected KEY=VALUE, got \"team\"");
  EXPECT_FALSE(parseTagArgument("a b=c", problem));
  EXPECT_EQ(problem, "a tag key holds only A-Z a-z 0-9 _ . -, got \"a b\"");
  EXPECT_EQ(tagsText(Json{{"team", "billing"}, {"env", "prod"}}), "env=prod team=billing");
  EXPECT_EQ(tagsText(Json::object()), "");
}

TEST(Arguments, durationsTakeAUnitOrAreMilliseconds) {
  EXPECT_EQ(parseDurationMs("1h"), 3'600'000);
  EXPECT_EQ(parseDurationMs("30s"), 30'000);
  EXPECT_EQ(parseDurationMs("2m"), 120'000);
  EXPECT_EQ(parseDurationMs("1d"), 86'400'000);
  EXPECT_EQ(parseDurationMs("500ms"), 500);
  EXPECT_EQ(parseDurationMs("750"), 750);
  EXPECT_FALSE(parseDurationMs("0s"));
  EXPECT_FALSE(parseDurationMs("-1h"));
  EXPECT_FALSE(parseDurationMs("h"));
  EXPECT_FALSE(parseDurationMs("1w"));
}

TEST(Arguments, idsMustBeUuids) {
  EXPECT_EQ(normalizeId("1B4E28BA-2FA1-41D2-883F-0016D3CCA427"),
            "1b4e28ba-2fa1-41d2-883f-0016d3cca427");
  EXPECT_FALSE(normalizeId("1b4e28ba"));
}

}  // namespace
}  // namespace pledge::cli
