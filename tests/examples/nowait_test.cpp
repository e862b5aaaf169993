#include <gtest/gtest.h>

#include "nowait_actors.h"
#include "recording.h"

namespace example::nowait {
namespace {

TEST(NoWaitDecider, theHeaderTakesTheCountWithoutWaitingAndTheEndWaits) {
  ReportImpl decider;
  auto tasks = pledge::testing::recordDecision(Report::kActor, [&] { decider.build("apples"); });
  WarehouseRecording warehouse(tasks);
  ReportRecording self(tasks);
  ASSERT_EQ(warehouse.count().size(), 1u);
  ASSERT_EQ(self.header().size(), 1u);
  ASSERT_EQ(self.complete().size(), 1u);
  EXPECT_TRUE(self.header()[0].stock.isPromiseOf(warehouse.count()[0].task));
  EXPECT_TRUE(self.header()[0].stock.noWait());
  EXPECT_TRUE(self.complete()[0].stock.isPromiseOf(warehouse.count()[0].task));
  EXPECT_FALSE(self.complete()[0].stock.noWait());
}

TEST(NoWaitDecider, theHeaderSaysWhetherTheCountWasKnown) {
  ReportImpl decider;
  EXPECT_EQ(decider.header("figs", pledge::Promise<std::int32_t>::ofTask(pledge::Uuid::random())).get(),
            "Stock of figs (counting when this line was written)");
  EXPECT_EQ(decider.header("figs", pledge::Promise<std::int32_t>::of(3)).get(),
            "Stock of figs (counted when this line was written)");
}

}  // namespace
}  // namespace example::nowait
