#include <gtest/gtest.h>

#include "erroneous_actors.h"
#include "recording.h"

namespace example::erroneous {
namespace {

TEST(ErroneousDecider, settleAcceptsDeclinedPaymentsOnly) {
  CheckoutImpl decider;
  auto tasks = pledge::testing::recordDecision(Checkout::kActor, [&] { decider.pay("alice", 5); });
  CheckoutRecording self(tasks);
  ASSERT_EQ(self.settle().size(), 1u);
  EXPECT_EQ(self.settle()[0].receipt.acceptFail(),
            pledge::AcceptFail::ofTypes({"example::erroneous::PaymentDeclined"}));
}

TEST(ErroneousDecider, aDeclinedPaymentIsAnAnswer) {
  CheckoutImpl decider;
  EXPECT_EQ(decider.settle(pledge::Promise<std::string>::failed(
                               pledge::TaskError("example::erroneous::PaymentDeclined", "insufficient funds")))
                .get(),
            "declined: insufficient funds");
  EXPECT_EQ(decider.settle(pledge::Promise<std::string>::of("receipt a-1")).get(), "paid with receipt a-1");
}

}  // namespace
}  // namespace example::erroneous
