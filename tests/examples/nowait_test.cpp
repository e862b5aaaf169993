// The nowait decider, unit-tested through the generated recordings: which calls wait for the slow
// count and which do not.
#include <gtest/gtest.h>

#include "nowait_actors.h"
#include "recording.h"

namespace example::nowait {
namespace {

using pledge::testing::recordDecision;

TEST(NoWaitDecider, theHeaderTakesTheCountsPromiseWithoutWaiting) {
  ReportImpl decider;
  pledge::Promise<std::string> report;
  auto tasks = recordDecision(Report::kActor, [&] { report = decider.build("apples"); });
  WarehouseRecording warehouse(tasks);
  ReportRecording self(tasks);
  ASSERT_EQ(warehouse.count().size(), 1u);
  ASSERT_EQ(self.header().size(), 1u);
  EXPECT_TRUE(self.header()[0].stock.isPromiseOf(warehouse.count()[0].task));
  EXPECT_TRUE(self.header()[0].stock.noWait());
  EXPECT_EQ(report.taskId(), self.header()[0].task.taskId);
}

TEST(NoWaitDecider, thePendingCountPassedOnHoldsTheCompletionBack) {
  ReportImpl decider;
  const pledge::Uuid count = pledge::Uuid::random();
  pledge::Promise<std::string> report;
  auto tasks = recordDecision(Report::kActor, [&] {
    report = decider.header("figs", pledge::Promise<std::int32_t>::ofTask(count));
  });
  ReportRecording self(tasks);
  ASSERT_EQ(self.complete().size(), 1u);
  EXPECT_EQ(self.complete()[0].header.value(),
            "Stock of figs (counting when this line was written)");
  ASSERT_TRUE(self.complete()[0].stock.isPromise());
  EXPECT_EQ(self.complete()[0].stock.promise(), count);
  EXPECT_FALSE(self.complete()[0].stock.noWait());
  EXPECT_EQ(report.taskId(), self.complete()[0].task.taskId);
}

TEST(NoWaitDecider, aCountThatWasAlreadyDoneTravelsAsItsValue) {
  ReportImpl decider;
  auto tasks = recordDecision(
      Report::kActor, [&] { decider.header("figs", pledge::Promise<std::int32_t>::of(40)); });
  ReportRecording self(tasks);
  ASSERT_EQ(self.complete().size(), 1u);
  EXPECT_EQ(self.complete()[0].header.value(),
            "Stock of figs (counted when this line was written)");
  EXPECT_EQ(self.complete()[0].stock.value(), 40);
}

}  // namespace
}  // namespace example::nowait
