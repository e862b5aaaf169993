// The erroneous decider, unit-tested through the generated recordings: which failures each step
// accepts, and what it makes of them.
#include <gtest/gtest.h>

#include "erroneous_actors.h"
#include "recording.h"

namespace example::erroneous {
namespace {

using pledge::testing::recordDecision;

pledge::Promise<std::string> failedReceipt(const std::string& type, const std::string& message) {
  return pledge::Promise<std::string>::failed(pledge::TaskError(type, message));
}

TEST(ErroneousDecider, settleAcceptsOnlyADeclinedPayment) {
  CheckoutImpl decider;
  auto tasks = recordDecision(Checkout::kActor, [&] { decider.pay("alice", 5); });
  PaymentsRecording payments(tasks);
  CheckoutRecording self(tasks);
  ASSERT_EQ(payments.charge().size(), 1u);
  ASSERT_EQ(self.settle().size(), 1u);
  EXPECT_TRUE(self.settle()[0].receipt.isPromiseOf(payments.charge()[0].task));
  EXPECT_EQ(self.settle()[0].receipt.acceptFail(),
            pledge::AcceptFail::ofTypes({"example::erroneous::PaymentDeclined"}));
}

TEST(ErroneousDecider, aDeclinedPaymentIsTheAnswer) {
  CheckoutImpl decider;
  pledge::Promise<std::string> answer;
  auto tasks = recordDecision(Checkout::kActor, [&] {
    answer = decider.settle(
        "empty", failedReceipt("example::erroneous::PaymentDeclined", "insufficient funds"));
  });
  EXPECT_TRUE(tasks.empty());
  EXPECT_EQ(answer.get(), "declined: insufficient funds");
}

TEST(ErroneousDecider, aPaymentIsMailedAndFinishedWhateverTheMailDoes) {
  CheckoutImpl decider;
  pledge::Promise<std::string> answer;
  auto tasks = recordDecision(Checkout::kActor, [&] {
    answer = decider.settle("alice", pledge::Promise<std::string>::of("receipt alice-5"));
  });
  MailerRecording mailer(tasks);
  CheckoutRecording self(tasks);
  ASSERT_EQ(mailer.sendReceipt().size(), 1u);
  EXPECT_EQ(mailer.sendReceipt()[0].receipt.value(), "receipt alice-5");
  ASSERT_EQ(self.finish().size(), 1u);
  EXPECT_EQ(self.finish()[0].receipt.value(), "receipt alice-5");
  EXPECT_TRUE(self.finish()[0].mailed.isPromiseOf(mailer.sendReceipt()[0].task));
  EXPECT_EQ(self.finish()[0].mailed.acceptFail(), pledge::AcceptFail::any());
  EXPECT_EQ(answer.taskId(), self.finish()[0].task.taskId);
}

TEST(ErroneousDecider, finishSaysWhetherTheReceiptWasMailed) {
  CheckoutImpl decider;
  EXPECT_EQ(decider.finish("receipt a-1", pledge::Promise<bool>::of(true)).get(),
            "paid: receipt a-1, mailed");
  EXPECT_EQ(decider
                .finish("receipt a-1", pledge::Promise<bool>::failed(pledge::TaskError(
                                           "example::erroneous::NoAddress", "no address")))
                .get(),
            "paid: receipt a-1, not mailed (no address)");
}

TEST(ErroneousWorkers, failAsTheAccountSays) {
  PaymentsImpl payments;
  EXPECT_EQ(payments.charge("alice", 5), "receipt alice-5");
  EXPECT_THROW(payments.charge("empty", 5), PaymentDeclined);
  EXPECT_THROW(payments.charge("offline", 5), BankUnreachable);
  MailerImpl mailer;
  EXPECT_TRUE(mailer.sendReceipt("alice", "receipt alice-5"));
  EXPECT_THROW(mailer.sendReceipt("anon", "receipt anon-5"), NoAddress);
}

}  // namespace
}  // namespace example::erroneous
