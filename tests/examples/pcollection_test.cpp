// The pcollection decider, unit-tested through the generated recordings: the total is one task
// whose list argument refers to every square.
#include <gtest/gtest.h>

#include "pcollection_actors.h"
#include "recording.h"

namespace example::pcollection {
namespace {

using pledge::testing::recordDecision;

TEST(PCollectionDecider, theTotalWaitsForEverySquare) {
  CollectorImpl decider;
  pledge::Promise<std::int64_t> result;
  auto tasks = recordDecision(Collector::kActor, [&] { result = decider.sumOfSquares(4); });
  SquarerRecording squarer(tasks);
  TotalsRecording totals(tasks);
  ASSERT_EQ(squarer.square().size(), 4u);
  ASSERT_EQ(totals.total().size(), 1u);
  const auto& values = totals.total()[0].values;
  ASSERT_TRUE(values.isList());
  ASSERT_EQ(values.list().size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(squarer.square()[i].x.value(), static_cast<std::int64_t>(i));
    EXPECT_EQ(values.list()[i], pledge::ArgSpec::ofPromise(squarer.square()[i].task.taskId));
  }
  EXPECT_EQ(result.taskId(), totals.total()[0].task.taskId);
}

TEST(PCollectionDecider, noSquaresMakeAnEmptyList) {
  CollectorImpl decider;
  auto tasks = recordDecision(Collector::kActor, [&] { decider.sumOfSquares(0); });
  TotalsRecording totals(tasks);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_TRUE(totals.total().at(0).values.list().empty());
}

}  // namespace
}  // namespace example::pcollection
