// The summator decider, unit-tested through the generated recordings: what one level of the
// reduction records.
#include <gtest/gtest.h>

#include "recording.h"
#include "summator_actors.h"

namespace example::summator {
namespace {

using pledge::ArgSpec;
using pledge::testing::recordDecision;

TEST(SummatorDecider, aLevelAddsNeighboursAndPassesAnOddLastValueThrough) {
  SummatorImpl decider;
  pledge::Promise<std::int64_t> result;
  auto tasks = recordDecision(Summator::kActor, [&] { result = decider.reduce({1, 2, 3, 4, 5}); });
  ArithmeticRecording arithmetic(tasks);
  SummatorRecording self(tasks);
  ASSERT_EQ(arithmetic.add().size(), 2u);
  EXPECT_EQ(arithmetic.add()[0].a.value(), 1);
  EXPECT_EQ(arithmetic.add()[0].b.value(), 2);
  EXPECT_EQ(arithmetic.add()[1].a.value(), 3);
  EXPECT_EQ(arithmetic.add()[1].b.value(), 4);

  // The next level: [promise of 1+2, promise of 3+4, 5], and its result is this level's.
  ASSERT_EQ(self.reduce().size(), 1u);
  const auto& level = self.reduce()[0].level;
  ASSERT_TRUE(level.isList());
  ASSERT_EQ(level.list().size(), 3u);
  EXPECT_EQ(level.list()[0], ArgSpec::ofPromise(arithmetic.add()[0].task.taskId));
  EXPECT_EQ(level.list()[1], ArgSpec::ofPromise(arithmetic.add()[1].task.taskId));
  EXPECT_EQ(level.list()[2], ArgSpec::ofValue(5));
  EXPECT_EQ(result.taskId(), self.reduce()[0].task.taskId);
}

TEST(SummatorDecider, anEvenLevelHasNoPassThrough) {
  SummatorImpl decider;
  auto tasks = recordDecision(Summator::kActor, [&] { decider.reduce({1, 2, 3, 4}); });
  ASSERT_EQ(ArithmeticRecording(tasks).add().size(), 2u);
  EXPECT_EQ(SummatorRecording(tasks).reduce().at(0).level.list().size(), 2u);
}

TEST(SummatorDecider, noValueOrOneValueIsTheAnswer) {
  SummatorImpl decider;
  pledge::Promise<std::int64_t> none;
  pledge::Promise<std::int64_t> one;
  auto tasks = recordDecision(Summator::kActor, [&] {
    none = decider.sum({});
    one = decider.sum({7});
  });
  EXPECT_TRUE(tasks.empty());
  EXPECT_EQ(none.get(), 0);
  EXPECT_EQ(one.get(), 7);
}

}  // namespace
}  // namespace example::summator
