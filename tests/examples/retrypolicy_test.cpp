// The retrypolicy example's worker and decider, unit-tested: how the worker fails, and the policy
// its call carries — with the delays the engine derives from it.
#include <gtest/gtest.h>

#include "pledge/retry_policy.h"
#include "recording.h"
#include "retrypolicy_actors.h"

namespace example::retrypolicy {
namespace {

TEST(RetryPolicyWorker, failsAsOftenAsAskedThenSucceeds) {
  FlakyImpl flaky;
  EXPECT_THROW(flaky.fetch("unit-test-key", 2), ServiceUnavailable);
  EXPECT_THROW(flaky.fetch("unit-test-key", 2), ServiceUnavailable);
  EXPECT_EQ(flaky.fetch("unit-test-key", 2), "unit-test-key fetched on attempt 3");
  EXPECT_THROW(flaky.fetch("", 0), BadKey);
}

TEST(RetryPolicyDecider, theFetchCarriesTheIdlRetryPolicy) {
  FetcherImpl decider;
  auto tasks = pledge::testing::recordDecision(Fetcher::kActor, [&] { decider.get("k", 1); });
  FlakyRecording flaky(tasks);
  ASSERT_EQ(flaky.fetch().size(), 1u);
  ASSERT_TRUE(flaky.fetch()[0].task.options.retry);
  const pledge::RetryPolicy& policy = *flaky.fetch()[0].task.options.retry;
  EXPECT_EQ(policy.kind, pledge::RetryKind::Exponential);
  EXPECT_EQ(policy.maxAttempts, 6);

  // What the server does with it: the delay after each failed attempt, none after the sixth.
  const pledge::TaskError down("example::retrypolicy::ServiceUnavailable", "down");
  EXPECT_EQ(pledge::nextRetryDelayMs(policy, 1, down), 50);
  EXPECT_EQ(pledge::nextRetryDelayMs(policy, 2, down), 100);
  EXPECT_EQ(pledge::nextRetryDelayMs(policy, 3, down), 200);
  EXPECT_EQ(pledge::nextRetryDelayMs(policy, 4, down), 400);
  EXPECT_EQ(pledge::nextRetryDelayMs(policy, 5, down), 400);
  EXPECT_EQ(pledge::nextRetryDelayMs(policy, 6, down), std::nullopt);
  const pledge::TaskError badKey("example::retrypolicy::BadKey", "no key");
  EXPECT_EQ(pledge::nextRetryDelayMs(policy, 1, badKey), std::nullopt);
}

}  // namespace
}  // namespace example::retrypolicy
