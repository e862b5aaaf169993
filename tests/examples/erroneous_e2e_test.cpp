#include "erroneous.pledge.h"
#include "example_run.h"

namespace example::erroneous {
namespace {

TEST(ErroneousEndToEnd, acceptedFailuresAnswerAndOthersBreakUntilRestarted) {
  pledge::testing::ExampleRun run("erroneous");
  CheckoutStarter checkout(run.client());
  pledge::ProcessInfo paid = run.finish(checkout.pay("alice", 10));
  EXPECT_EQ(paid.result, "paid with receipt alice-10");
  pledge::ProcessInfo declined = run.finish(checkout.pay("empty", 10));
  EXPECT_EQ(declined.state, pledge::ProcessState::Completed);
  EXPECT_EQ(declined.result, "declined: insufficient funds for 10");

  pledge::ProcessInfo offline = run.finish(checkout.pay("offline", 10));
  ASSERT_EQ(offline.state, pledge::ProcessState::Broken);
  EXPECT_EQ(offline.error->type(), "example::erroneous::BankUnreachable");
  EXPECT_EQ(offline.failedTaskId, run.tasksByMethod(offline.processId).at("charge").at(0).at("taskId").get<pledge::Uuid>());

  pledge::ProcessInfo flaky = run.finish(checkout.pay("flaky", 10));
  ASSERT_EQ(flaky.state, pledge::ProcessState::Broken);
  run.client().restart(flaky.processId);
  pledge::ProcessInfo recovered = run.finish(pledge::StartedProcess{flaky.processId, flaky.taskId, false});
  EXPECT_EQ(recovered.state, pledge::ProcessState::Completed);
  EXPECT_EQ(recovered.result, "paid with receipt flaky-10");
}

}  // namespace
}  // namespace example::erroneous
