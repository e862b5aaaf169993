#include "pledge/retry_policy.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

const TaskError kError("Flaky", "try again");

TEST(RetryPolicy, noneNeverRetries) {
  EXPECT_EQ(nextRetryDelayMs(RetryPolicy{}, 1, kError), std::nullopt);
}

TEST(RetryPolicy, fixedWaitsTheSameEachTime) {
  RetryPolicy policy{.kind = RetryKind::Fixed, .initialMs = 300};
  EXPECT_EQ(nextRetryDelayMs(policy, 1, kError), 300);
  EXPECT_EQ(nextRetryDelayMs(policy, 7, kError), 300);
}

TEST(RetryPolicy, linearGrowsByInitialEachTime) {
  RetryPolicy policy{.kind = RetryKind::Linear, .initialMs = 100, .maxMs = 250};
  EXPECT_EQ(nextRetryDelayMs(policy, 1, kError), 100);
  EXPECT_EQ(nextRetryDelayMs(policy, 2, kError), 200);
  EXPECT_EQ(nextRetryDelayMs(policy, 3, kError), 250);
}

TEST(RetryPolicy, exponentialMultipliesAndIsCapped) {
  RetryPolicy policy{.kind = RetryKind::Exponential, .initialMs = 200, .maxMs = 1000,
                     .multiplier = 3.0};
  EXPECT_EQ(nextRetryDelayMs(policy, 1, kError), 200);
  EXPECT_EQ(nextRetryDelayMs(policy, 2, kError), 600);
  EXPECT_EQ(nextRetryDelayMs(policy, 3, kError), 1000);
  EXPECT_EQ(nextRetryDelayMs(policy, 500, kError), 1000);
}

TEST(RetryPolicy, exponentialWithoutCapDoesNotOverflow) {
  RetryPolicy policy{.kind = RetryKind::Exponential, .initialMs = 1000, .multiplier = 10.0};
  auto delay = nextRetryDelayMs(policy, 400, kError);
  ASSERT_TRUE(delay);
  EXPECT_GT(*delay, 0);
}

TEST(RetryPolicy, maxAttemptsCountsTheFirstAttempt) {
  RetryPolicy policy{.kind = RetryKind::Fixed, .initialMs = 10, .maxAttempts = 3};
  EXPECT_TRUE(nextRetryDelayMs(policy, 1, kError));
  EXPECT_TRUE(nextRetryDelayMs(policy, 2, kError));
  EXPECT_FALSE(nextRetryDelayMs(policy, 3, kError));
}

TEST(RetryPolicy, nonRetryableTypesAndErrorsAreNotRetried) {
  RetryPolicy policy{.kind = RetryKind::Fixed, .initialMs = 10, .nonRetryable = {"Fatal"}};
  EXPECT_FALSE(nextRetryDelayMs(policy, 1, TaskError("Fatal", "")));
  EXPECT_FALSE(nextRetryDelayMs(policy, 1, TaskError("Flaky", "", /*retryable=*/false)));
  EXPECT_TRUE(nextRetryDelayMs(policy, 1, TaskError("Flaky", "")));
}

TEST(RetryPolicy, jsonRoundTrips) {
  RetryPolicy policy{.kind = RetryKind::Exponential, .initialMs = 200, .maxMs = 10'000,
                     .multiplier = 2.5, .maxAttempts = 5, .nonRetryable = {"A", "B"}};
  Json wire = policy;
  EXPECT_EQ(wire["policy"], "exponential");
  EXPECT_EQ(wire.get<RetryPolicy>(), policy);
  EXPECT_EQ(parseJson(R"({"policy":"fixed"})").get<RetryPolicy>().initialMs, 1000);
}

TEST(RetryPolicy, badJsonNamesTheField) {
  auto messageOf = [](const char* text) {
    try {
      parseJson(text).get<RetryPolicy>();
    } catch (const JsonError& error) {
      return error.message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(messageOf(R"({"policy":"sometimes"})"),
            "policy: expected none, fixed, linear or exponential, got \"sometimes\"");
  EXPECT_EQ(messageOf(R"({"policy":"fixed","initialMs":-5})"),
            "initialMs: must be 0 to 31536000000, got -5");
  EXPECT_EQ(messageOf(R"({"policy":"fixed","multiplier":0.5})"),
            "multiplier: must be 1 to 1000, got 0.5");
  EXPECT_EQ(messageOf(R"({"policy":"exponential","multiplier":1e308})"),
            "multiplier: must be 1 to 1000, got 1e+308");
  EXPECT_EQ(messageOf(R"({"policy":"fixed","maxAttempts":4294967297})"),
            "maxAttempts: must be 0 to 1000000, got 4294967297");
  EXPECT_EQ(messageOf(R"({"policy":"fixed","nonRetryable":[""]})"),
            "nonRetryable[0]: must not be empty");
  EXPECT_EQ(messageOf(R"({"policy":"fixed","nonRetryable":["A",1]})"),
            "nonRetryable[1]: expected a string, got 1");
  EXPECT_EQ(messageOf(R"({"initialMs":5})"), "policy: missing required field");
}

}  // namespace
}  // namespace pledge
