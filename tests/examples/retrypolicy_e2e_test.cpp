// The retrypolicy example end to end on a real pledge-server and pledge-bootstrap: attempts as
// the server counted them, the policy's delays, and what happens when retrying is over.
#include "example_run.h"
#include "retrypolicy.pledge.h"

namespace example::retrypolicy {
namespace {

using pledge::testing::timeOf;

TEST(RetryPolicyEndToEnd, aWorkerThatFailsFourTimesSucceedsOnItsFifthAttempt) {
  pledge::testing::ExampleRun run("retrypolicy");
  FetcherStarter fetcher(run.client());
  pledge::ProcessInfo done = run.finish(fetcher.get("orders", 4));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "orders fetched on attempt 5");
  const pledge::Json fetch = run.onlyTask(done.processId, "fetch");
  EXPECT_EQ(fetch.at("attempts"), 5);
  EXPECT_EQ(fetch.at("state"), "completed");
  // The four retries waited 50 + 100 + 200 + 400 ms.
  EXPECT_GE(timeOf(fetch, "endedAt") - timeOf(fetch, "createdAt"), 750);
}

TEST(RetryPolicyEndToEnd, aTaskOutOfAttemptsOrNotRetryableBreaksTheProcessUntilRestarted) {
  pledge::testing::ExampleRun run("retrypolicy");
  FetcherStarter fetcher(run.client());
  pledge::StartedProcess doomed = fetcher.get("doomed", 6);
  pledge::StartedProcess badKey = fetcher.get("", 0);

  // Six attempts, all failed: the process is broken with the last attempt's error.
  pledge::ProcessInfo broken = run.finish(doomed);
  ASSERT_EQ(broken.state, pledge::ProcessState::Broken);
  ASSERT_TRUE(broken.error);
  EXPECT_EQ(broken.error->type(), "example::retrypolicy::ServiceUnavailable");
  EXPECT_EQ(broken.error->message(), "the service was down for attempt 6");
  const pledge::Json fetch = run.onlyTask(doomed.processId, "fetch");
  EXPECT_EQ(fetch.at("attempts"), 6);
  EXPECT_EQ(broken.failedTaskId, fetch.at("taskId").get<pledge::Uuid>());

  // A restart gives the failed task one more attempt, which finds the service up.
  run.client().restart(doomed.processId);
  pledge::ProcessInfo restarted = run.finish(doomed);
  ASSERT_EQ(restarted.state, pledge::ProcessState::Completed);
  EXPECT_EQ(restarted.result, "doomed fetched on attempt 7");
  EXPECT_EQ(run.onlyTask(doomed.processId, "fetch").at("attempts"), 7);

  // A non-retryable error fails the task at its first attempt.
  pledge::ProcessInfo rejected = run.finish(badKey);
  ASSERT_EQ(rejected.state, pledge::ProcessState::Broken);
  EXPECT_EQ(rejected.error->type(), "example::retrypolicy::BadKey");
  EXPECT_EQ(run.onlyTask(badKey.processId, "fetch").at("attempts"), 1);
}

}  // namespace
}  // namespace example::retrypolicy
