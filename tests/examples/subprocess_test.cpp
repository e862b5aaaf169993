#include <gtest/gtest.h>

#include "recording.h"
#include "subprocess_actors.h"

namespace example::subprocess {
namespace {

TEST(SubprocessDecider, theChildDeciderIsATaskOfTheSameProcess) {
  OrderingImpl decider;
  auto tasks = pledge::testing::recordDecision(Ordering::kActor, [&] { decider.place("A-1", "teapot"); });
  ShippingRecording shipping(tasks);
  OrderingRecording self(tasks);
  ASSERT_EQ(shipping.ship().size(), 1u);
  EXPECT_EQ(shipping.ship()[0].task.type, pledge::TaskType::Decider);
  EXPECT_EQ(shipping.ship()[0].task.actor, "Shipping#1.0");
  ASSERT_EQ(self.confirm().size(), 1u);
  EXPECT_TRUE(self.confirm()[0].tracking.isPromiseOf(shipping.ship()[0].task));
}

}  // namespace
}  // namespace example::subprocess
