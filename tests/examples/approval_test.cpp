// The approval decider, unit-tested through the generated recordings: one wait for the first of
// approved and rejected, and what settle() does with each answer and with none.
#include <gtest/gtest.h>

#include "approval_actors.h"
#include "recording.h"

namespace example::approval {
namespace {

TEST(ExpenseDecider, submitWaitsOnceForTheFirstOfApprovedAndRejected) {
  ExpenseDeciderImpl decider;
  auto tasks = pledge::testing::recordDecision(ExpenseDecider::kActor,
                                               [&] { decider.submit("exp-1", 4200, 5'000); });
  ASSERT_EQ(tasks.size(), 2u);
  const pledge::TaskSpec& wait = tasks[0];
  EXPECT_EQ(wait.type, pledge::TaskType::Event);
  EXPECT_EQ(wait.method, "approved");
  EXPECT_EQ(wait.args.at(0).value, "exp-1");
  EXPECT_EQ(wait.args.at(1).value, pledge::Json::array({"rejected"}));
  EXPECT_EQ(wait.options.timeoutMs, 5'000);
  ExpenseDeciderRecording self(tasks);
  ASSERT_EQ(self.settle().size(), 1u);
  EXPECT_TRUE(self.settle()[0].verdict.isPromiseOf(wait));
}

TEST(ExpenseDecider, settlePaysWhenApprovedAndNotifiesOtherwise) {
  auto settle = [](pledge::Promise<pledge::FirstEvent> verdict) {
    ExpenseDeciderImpl decider;
    return pledge::testing::recordDecision(ExpenseDecider::kActor, [&] {
      decider.settle("exp-2", 990, verdict, 5'000);
    });
  };
  auto approved = settle(pledge::Promise<pledge::FirstEvent>::of({"approved", {{"by", "ann"}}}));
  ASSERT_EQ(PaymentsRecording(approved).pay().size(), 1u);
  EXPECT_EQ(PaymentsRecording(approved).pay()[0].amount.value(), 990);

  auto rejected =
      settle(pledge::Promise<pledge::FirstEvent>::of({"rejected", {{"reason", "no receipt"}}}));
  ASSERT_EQ(NotifierRecording(rejected).notify().size(), 1u);
  EXPECT_EQ(NotifierRecording(rejected).notify()[0].message.value(), "rejected: no receipt");

  auto silent = settle(pledge::Promise<pledge::FirstEvent>::failed(
      pledge::TaskError(pledge::kTimeoutError, "no event came", false)));
  ASSERT_EQ(NotifierRecording(silent).notify().size(), 1u);
  EXPECT_EQ(NotifierRecording(silent).notify()[0].message.value(),
            "nobody decided within 5000 ms; submit it again");
}

}  // namespace
}  // namespace example::approval
