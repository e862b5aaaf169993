#include <gtest/gtest.h>

#include "pcollection_actors.h"
#include "recording.h"

namespace example::pcollection {
namespace {

TEST(PCollectionDecider, theTotalWaitsForEverySquare) {
  CollectorImpl decider;
  auto tasks = pledge::testing::recordDecision(Collector::kActor, [&] { decider.sumOfSquares(4); });
  SquarerRecording squarer(tasks);
  TotalsRecording totals(tasks);
  ASSERT_EQ(squarer.square().size(), 4u);
  ASSERT_EQ(totals.total().size(), 1u);
  ASSERT_TRUE(totals.total()[0].values.isList());
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(totals.total()[0].values.list()[i], pledge::ArgSpec::ofPromise(squarer.square()[i].task.taskId));
  }
}

}  // namespace
}  // namespace example::pcollection
