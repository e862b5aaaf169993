// The erroneous example end to end on a real pledge-server and pledge-bootstrap: failures the
// decider accepts become answers; one it does not accept breaks the process, which completes
// once restarted after the cause went away.
#include "erroneous.pledge.h"
#include "example_run.h"

namespace example::erroneous {
namespace {

TEST(ErroneousEndToEnd, acceptedFailuresReachTheDeciderAsAnswers) {
  pledge::testing::ExampleRun run("erroneous");
  CheckoutStarter checkout(run.client());
  pledge::StartedProcess alice = checkout.pay("alice", 10);
  pledge::StartedProcess anon = checkout.pay("anon", 10);
  pledge::StartedProcess empty = checkout.pay("empty", 10);

  pledge::ProcessInfo paid = run.finish(alice);
  ASSERT_EQ(paid.state, pledge::ProcessState::Completed);
  EXPECT_EQ(paid.result, "paid: receipt alice-10, mailed");

  // acceptFail: true — the failed mail reached finish.
  pledge::ProcessInfo unmailed = run.finish(anon);
  ASSERT_EQ(unmailed.state, pledge::ProcessState::Completed);
  EXPECT_EQ(unmailed.result, "paid: receipt anon-10, not mailed (no e-mail address for anon)");
  const pledge::Json mail = run.onlyTask(anon.processId, "sendReceipt");
  EXPECT_EQ(mail.at("state"), "failed");
  EXPECT_EQ(mail.at("error").at("type"), "example::erroneous::NoAddress");

  // acceptFail: [PaymentDeclined] — the declined charge reached settle.
  pledge::ProcessInfo declined = run.finish(empty);
  ASSERT_EQ(declined.state, pledge::ProcessState::Completed);
  EXPECT_EQ(declined.result, "declined: insufficient funds for 10");
  auto tasks = run.tasksByMethod(empty.processId);
  EXPECT_EQ(tasks.at("charge").at(0).at("error").at("type"), "example::erroneous::PaymentDeclined");
  EXPECT_FALSE(tasks.contains("sendReceipt"));
}

TEST(ErroneousEndToEnd, aFailureNobodyAcceptsBreaksTheProcessUntilItIsRestarted) {
  pledge::testing::ExampleRun run("erroneous");
  CheckoutStarter checkout(run.client());
  pledge::StartedProcess offline = checkout.pay("offline", 10);
  pledge::StartedProcess flaky = checkout.pay("flaky", 10);

  // settle accepts PaymentDeclined only: BankUnreachable breaks the process, settle never runs.
  pledge::ProcessInfo broken = run.finish(offline);
  ASSERT_EQ(broken.state, pledge::ProcessState::Broken);
  ASSERT_TRUE(broken.error);
  EXPECT_EQ(broken.error->type(), "example::erroneous::BankUnreachable");
  EXPECT_EQ(broken.error->message(), "no route to the bank");
  auto tasks = run.tasksByMethod(offline.processId);
  EXPECT_EQ(broken.failedTaskId, tasks.at("charge").at(0).at("taskId").get<pledge::Uuid>());
  EXPECT_TRUE(tasks.at("settle").at(0).at("startedAt").is_null());

  // The bank is back for the second charge of "flaky": a restart lets the process complete.
  pledge::ProcessInfo timedOut = run.finish(flaky);
  ASSERT_EQ(timedOut.state, pledge::ProcessState::Broken);
  EXPECT_EQ(timedOut.error->message(), "the bank timed out");
  run.client().restart(flaky.processId);
  pledge::ProcessInfo recovered = run.finish(flaky);
  ASSERT_EQ(recovered.state, pledge::ProcessState::Completed);
  EXPECT_EQ(recovered.result, "paid: receipt flaky-10, mailed");
  EXPECT_EQ(run.onlyTask(flaky.processId, "charge").at("attempts"), 2);
}

}  // namespace
}  // namespace example::erroneous
