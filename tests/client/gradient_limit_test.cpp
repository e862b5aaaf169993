// GradientLimit on made-up round trips: no server, no clock; each test feeds the samples a pool's
// release-and-poll requests would.
#include "gradient_limit.h"

#include <gtest/gtest.h>

#include "pledge/error.h"

namespace pledge {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// A window of one sample: each sample moves the limit (WindowsAverage tests the windows).
constexpr GradientLimitOptions kOptions{.initial = 32, .min = 4, .max = 512, .window = 1};

// Feeds count samples of rtt, each with the pool holding as many tasks as the limit allows (and
// each poll full or not); returns the limit after each.
std::vector<int> feed(GradientLimit& limit, microseconds rtt, int count, bool full = false) {
  std::vector<int> limits;
  for (int i = 0; i < count; ++i) limits.push_back(limit.onSample(rtt, limit.limit(), full));
  return limits;
}

TEST(GradientLimit, holdsItsInitialLimitUntilTheLongRttIsKnown) {
  GradientLimit limit(kOptions);
  for (int limitSeen : feed(limit, milliseconds(5), kOptions.warmup)) EXPECT_EQ(limitSeen, 32);
  EXPECT_DOUBLE_EQ(limit.longRttNs(), 5e6);
}

TEST(GradientLimit, growsWhileRoundTripsStayAtTheirFloor) {
  GradientLimit limit(kOptions);
  feed(limit, milliseconds(5), kOptions.warmup);
  std::vector<int> limits = feed(limit, milliseconds(5), 200);
  for (std::size_t i = 1; i < limits.size(); ++i) EXPECT_GE(limits[i], limits[i - 1]);
  EXPECT_GT(limits[10], 32);
  EXPECT_EQ(limits.back(), kOptions.max);
}

TEST(GradientLimit, doublesEachWindowUntilRoundTripsFirstInflate) {
  GradientLimit limit(kOptions);
  feed(limit, milliseconds(5), kOptions.warmup);
  EXPECT_EQ(feed(limit, milliseconds(5), 3), (std::vector<int>{64, 128, 256}));
  // Past the tolerance (1.5 x 5 ms): slow start ends and the gradient shrinks the limit...
  const int inflated = limit.onSample(milliseconds(12), limit.limit());
  EXPECT_LT(inflated, 256);
  // ...and from then on it grows by its square root, not twice over.
  const int next = limit.onSample(milliseconds(5), limit.limit());
  EXPECT_GT(next, inflated);
  EXPECT_LT(next, inflated + 10);
}

TEST(GradientLimit, aPollTakesWhatItsThreadRunsInAboutATenthOfASecond) {
  // Its share of the limit while the time a task takes is unknown or short...
  EXPECT_EQ(pollShare(400, 4, 0), 100);
  EXPECT_EQ(pollShare(401, 4, 0), 101);
  EXPECT_EQ(pollShare(400, 4, 5'000), 100);  // 5 us a task: 20,000 would fit
  // ...what runs in kPollRunTime when tasks take longer, and never less than one.
  EXPECT_EQ(pollShare(400, 4, 4e6), 25);  // 4 ms a task
  EXPECT_EQ(pollShare(400, 4, 150e6), 1);
  EXPECT_EQ(pollShare(1, 4, 0), 1);
}

TEST(GradientLimit, shrinksWhenRoundTripsInflate) {
  GradientLimit limit(kOptions);
  feed(limit, milliseconds(5), 200);
  ASSERT_EQ(limit.limit(), kOptions.max);
  // Three times slower: beyond the tolerance (1.5), so the gradient is at its floor, 0.5.
  std::vector<int> limits = feed(limit, milliseconds(15), 20);
  for (std::size_t i = 1; i < limits.size(); ++i) EXPECT_LT(limits[i], limits[i - 1]);
  EXPECT_LT(limits.back(), kOptions.max / 2);
}

TEST(GradientLimit, toleratesASmallInflation) {
  GradientLimit limit(kOptions);
  feed(limit, milliseconds(5), kOptions.warmup);
  // 20 % slower is within the tolerance: queueing that small still pays in throughput.
  std::vector<int> limits = feed(limit, milliseconds(6), 50);
  EXPECT_GT(limits.back(), 32);
}

TEST(GradientLimit, staysWithinItsBounds) {
  GradientLimit limit(kOptions);
  for (int round = 0; round < 5; ++round) {
    for (int limitSeen : feed(limit, microseconds(100), 300)) {
      EXPECT_GE(limitSeen, kOptions.min);
      EXPECT_LE(limitSeen, kOptions.max);
    }
    for (int limitSeen : feed(limit, milliseconds(500), 300)) {
      EXPECT_GE(limitSeen, kOptions.min);
      EXPECT_LE(limitSeen, kOptions.max);
    }
  }
  feed(limit, milliseconds(500), 1000);
  EXPECT_GE(limit.limit(), kOptions.min);
}

TEST(GradientLimit, recoversWhenRoundTripsAreFastAgain) {
  GradientLimit limit(kOptions);
  feed(limit, milliseconds(5), 200);
  feed(limit, milliseconds(50), 100);  // the store stalled
  const int stalled = limit.limit();
  ASSERT_LT(stalled, 64);
  // The long-term RTT learnt the stall; round trips within it let the limit grow back to its
  // ceiling.
  std::vector<int> limits = feed(limit, milliseconds(5), 400);
  EXPECT_GT(limits[50], stalled);
  EXPECT_EQ(limits.back(), kOptions.max);
}

TEST(GradientLimit, roundTripsThatDipAndComeBackDoNotShrinkIt) {
  GradientLimit limit(kOptions);
  feed(limit, milliseconds(10), 60);
  const int before = limit.limit();
  // The server is idle for a while (no other runner's work queues ahead of ours), then busy as
  // before. The long-term RTT follows the dip at the pace of its average only: a long-term that
  // fell to the dip would take the usual round trips for inflation and shrink the limit, and a
  // server whose round trips swing this way (commits, loads) would ratchet it down step by step.
  feed(limit, milliseconds(3), 60);
  std::vector<int> limits = feed(limit, milliseconds(10), 60);
  for (std::size_t i = 1; i < limits.size(); ++i) EXPECT_GE(limits[i], limits[i - 1]);
  EXPECT_GE(limits.front(), before);
}

TEST(GradientLimit, fullPollsGrowItThoughRoundTripsInflate) {
  GradientLimit limit(kOptions);
  feed(limit, milliseconds(5), 200);
  feed(limit, milliseconds(15), 20);  // inflated, polls not full: it shrinks (as above)
  const int shrunk = limit.limit();
  ASSERT_LT(shrunk, kOptions.max / 2);
  // As slow, but every poll leased all it asked for: ready tasks wait at the server, and the
  // limit grows back to its ceiling.
  std::vector<int> limits = feed(limit, milliseconds(15), 200, /*full=*/true);
  for (std::size_t i = 1; i < limits.size(); ++i) EXPECT_GE(limits[i], limits[i - 1]);
  EXPECT_EQ(limits.back(), kOptions.max);
}

TEST(GradientLimit, oneShortPollInAWindowLetsInflationCount) {
  GradientLimit limit({.initial = 32, .min = 4, .max = 512, .window = 2});
  for (int i = 0; i < 2 * 400; ++i) limit.onSample(milliseconds(5), limit.limit(), true);
  ASSERT_EQ(limit.limit(), 512);
  // Each window: one full poll and one that came back short, both three times slower.
  for (int window = 0; window < 20; ++window) {
    limit.onSample(milliseconds(15), limit.limit(), true);
    limit.onSample(milliseconds(15), limit.limit(), false);
  }
  EXPECT_LT(limit.limit(), 512 / 2);
}

TEST(GradientLimit, doesNotGrowWhenTheWorkNotTheLimitHoldsItBack) {
  GradientLimit limit(kOptions);
  feed(limit, milliseconds(5), kOptions.warmup);
  // Polls come back with few tasks: the pool holds far less than the limit allows.
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limit.onSample(milliseconds(5), 3), 32);
}

TEST(GradientLimit, aWindowAveragesItsRoundTripsSoOneSlowRoundTripDoesNotShrinkIt) {
  GradientLimit limit({.initial = 32, .min = 4, .max = 512, .window = 10});
  feed(limit, milliseconds(5), 10 * 10);  // the warm-up: 10 windows
  // Each window has one round trip four times slower: averaged, 6.5 ms is within the tolerance.
  for (int window = 0; window < 10; ++window) {
    feed(limit, milliseconds(20), 1);
    feed(limit, milliseconds(5), 9);
  }
  const int grown = limit.limit();
  EXPECT_GT(grown, 32);
  // Windows slow throughout do shrink it, once per window: 9 samples of one move nothing.
  EXPECT_EQ(feed(limit, milliseconds(20), 9).back(), grown);
  EXPECT_LT(feed(limit, milliseconds(20), 1).back(), grown);
}

TEST(GradientLimit, ignoresSamplesWithoutATime) {
  GradientLimit limit(kOptions);
  EXPECT_EQ(limit.onSample(microseconds(0), 32), 32);
  EXPECT_EQ(limit.longRttNs(), 0);
}

TEST(GradientLimit, rejectsBoundsThatCannotHold) {
  EXPECT_THROW(GradientLimit({.initial = 4, .min = 0, .max = 8}), Error);
  EXPECT_THROW(GradientLimit({.initial = 4, .min = 9, .max = 8}), Error);
  EXPECT_THROW(GradientLimit({.smoothing = 0}), Error);
  EXPECT_THROW(GradientLimit({.rttTolerance = 0.9}), Error);
  EXPECT_THROW(GradientLimit({.window = 0}), Error);
  // An initial limit out of bounds is clamped, not refused.
  EXPECT_EQ(GradientLimit({.initial = 1000, .min = 1, .max = 64}).limit(), 64);
}

}  // namespace
}  // namespace pledge
