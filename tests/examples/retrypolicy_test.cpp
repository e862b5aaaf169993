#include <gtest/gtest.h>

#include "recording.h"
#include "retrypolicy_actors.h"

namespace example::retrypolicy {
namespace {

TEST(RetryPolicyWorker, failsAsOftenAsAskedThenSucceeds) {
  FlakyImpl flaky;
  EXPECT_THROW(flaky.fetch("unit-key", 2), ServiceUnavailable);
  EXPECT_THROW(flaky.fetch("unit-key", 2), ServiceUnavailable);
  EXPECT_EQ(flaky.fetch("unit-key", 2), "unit-key fetched on attempt 3");
}

TEST(RetryPolicyDecider, theCallCarriesTheIdlRetryPolicy) {
  FetcherImpl decider;
  auto tasks = pledge::testing::recordDecision(Fetcher::kActor, [&] { decider.get("k", 1); });
  FlakyRecording flaky(tasks);
  ASSERT_EQ(flaky.fetch().size(), 1u);
  const pledge::CallOptions& options = flaky.fetch()[0].task.options;
  ASSERT_TRUE(options.retry);
  EXPECT_EQ(options.retry->kind, pledge::RetryKind::Exponential);
  EXPECT_EQ(options.retry->maxAttempts, 6);
}

}  // namespace
}  // namespace example::retrypolicy
