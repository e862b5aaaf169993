// The pizza decider, unit-tested through the generated recordings: what waits for which event,
// keyed by what, and how close() branches on the feedback that came or timed out.
#include <gtest/gtest.h>

#include "pizza_actors.h"
#include "recording.h"

namespace example::pizza {
namespace {

TEST(PizzaDecider, orderWaitsForTheKitchenByOrderIdThenForFeedbackAfterDelivery) {
  PizzaDeciderImpl decider;
  auto tasks = pledge::testing::recordDecision(
      PizzaDecider::kActor, [&] { decider.order("margherita", "ann", 2'000); });
  OrderServiceRecording orders(tasks);
  DeliveryServiceRecording delivery(tasks);
  PizzaDeciderRecording self(tasks);
  ASSERT_EQ(orders.place().size(), 1u);
  EXPECT_EQ(orders.place()[0].pizza.value(), "margherita");
  const auto& ready = self.events().pizzaReady();
  ASSERT_EQ(ready.size(), 1u);
  // Keyed by the order id the order service returns; the wait is bounded.
  EXPECT_TRUE(ready[0].key.isPromiseOf(orders.place()[0].task));
  EXPECT_EQ(ready[0].task.type, pledge::TaskType::Event);
  EXPECT_EQ(ready[0].task.options.timeoutMs, 3'600'000);
  ASSERT_EQ(delivery.deliver().size(), 1u);
  EXPECT_TRUE(delivery.deliver()[0].status.isPromiseOf(ready[0].task));
  const auto& feedback = self.events().feedback();
  ASSERT_EQ(feedback.size(), 1u);
  EXPECT_TRUE(feedback[0].key.isPromiseOf(delivery.deliver()[0].task));
  EXPECT_EQ(feedback[0].task.options.timeoutMs, 2'000);
  ASSERT_EQ(self.close().size(), 1u);
  EXPECT_TRUE(self.close()[0].feedback.isPromiseOf(feedback[0].task));
  EXPECT_EQ(self.close()[0].feedback.acceptFail().types,
            std::vector<std::string>{pledge::kTimeoutError});
}

TEST(PizzaDecider, closeTakesTheFallbackBranchWhenNoFeedbackCame) {
  PizzaDeciderImpl decider;
  auto timedOut = pledge::Promise<std::string>::failed(
      pledge::TaskError(pledge::kTimeoutError, "no event feedback came", false));
  EXPECT_EQ(decider.close("order-ann", timedOut, 2'000).get(),
            "order-ann delivered; no feedback within 2000 ms");
  EXPECT_EQ(decider.close("order-ann", pledge::Promise<std::string>::of("hot"), 2'000).get(),
            "order-ann delivered; feedback: hot");
}

}  // namespace
}  // namespace example::pizza
