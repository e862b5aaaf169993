#include <gtest/gtest.h>

#include "recording.h"
#include "summator_actors.h"

namespace example::summator {
namespace {

TEST(SummatorDecider, oneLevelAddsNeighboursAndPassesAnOddOneThrough) {
  SummatorImpl decider;
  auto tasks = pledge::testing::recordDecision(Summator::kActor, [&] { decider.reduce({1, 2, 3, 4, 5}); });
  ArithmeticRecording arithmetic(tasks);
  SummatorRecording self(tasks);
  ASSERT_EQ(arithmetic.add().size(), 2u);
  EXPECT_EQ(arithmetic.add()[0].a.value(), 1);
  EXPECT_EQ(arithmetic.add()[1].b.value(), 4);
  ASSERT_EQ(self.reduce().size(), 1u);
  const auto& level = self.reduce()[0].level;
  ASSERT_TRUE(level.isList());
  ASSERT_EQ(level.list().size(), 3u);
  EXPECT_EQ(level.list()[0], pledge::ArgSpec::ofPromise(arithmetic.add()[0].task.taskId));
  EXPECT_EQ(level.list()[2], pledge::ArgSpec::ofValue(5));
}

TEST(SummatorDecider, emptyAndSingleListsNeedNoTasks) {
  SummatorImpl decider;
  pledge::Promise<std::int64_t> empty;
  pledge::Promise<std::int64_t> one;
  auto tasks = pledge::testing::recordDecision(Summator::kActor, [&] {
    empty = decider.sum({});
    one = decider.sum({7});
  });
  EXPECT_TRUE(tasks.empty());
  EXPECT_EQ(empty.get(), 0);
  EXPECT_EQ(one.get(), 7);
}

}  // namespace
}  // namespace example::summator
