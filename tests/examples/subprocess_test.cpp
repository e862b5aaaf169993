// The subprocess deciders, unit-tested through the generated recordings: the parent records the
// child decider as a task of its own process; the child records its worker call.
#include <gtest/gtest.h>

#include "recording.h"
#include "subprocess_actors.h"

namespace example::subprocess {
namespace {

using pledge::testing::recordDecision;

TEST(SubprocessDecider, theChildDeciderIsADeciderTaskFedByAPromise) {
  OrderingImpl decider;
  pledge::Promise<std::string> result;
  auto tasks = recordDecision(Ordering::kActor, [&] { result = decider.place("A-1", "teapot"); });
  InventoryRecording inventory(tasks);
  ShippingRecording shipping(tasks);
  OrderingRecording self(tasks);
  ASSERT_EQ(inventory.weigh().size(), 1u);
  ASSERT_EQ(shipping.ship().size(), 1u);
  ASSERT_EQ(self.confirm().size(), 1u);

  // A task of Shipping's execute method, waiting for the weight.
  const auto& ship = shipping.ship()[0];
  EXPECT_EQ(ship.task.actor, "Shipping#1.0");
  EXPECT_EQ(ship.task.method, "ship");
  EXPECT_EQ(ship.task.type, pledge::TaskType::Decider);
  EXPECT_EQ(ship.order.value(), "A-1");
  EXPECT_TRUE(ship.grams.isPromiseOf(inventory.weigh()[0].task));

  // Its result feeds the confirmation, whose result is the process's.
  EXPECT_TRUE(self.confirm()[0].tracking.isPromiseOf(ship.task));
  EXPECT_EQ(result.taskId(), self.confirm()[0].task.taskId);
}

TEST(SubprocessDecider, theChildBooksFreightForHeavyOrders) {
  ShippingImpl decider;
  auto tasks = recordDecision(Shipping::kActor, [&] {
    decider.ship("A-1", 800);
    decider.ship("A-2", 250'000);
  });
  CarrierRecording carrier(tasks);
  ASSERT_EQ(carrier.book().size(), 2u);
  EXPECT_EQ(carrier.book()[0].service.value(), "parcel");
  EXPECT_EQ(carrier.book()[1].service.value(), "freight");
}

}  // namespace
}  // namespace example::subprocess
