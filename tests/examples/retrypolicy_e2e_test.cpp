#include "example_run.h"
#include "retrypolicy.pledge.h"

namespace example::retrypolicy {
namespace {

TEST(RetryPolicyEndToEnd, aWorkerThatFailsFourTimesSucceedsOnTheFifthAttempt) {
  pledge::testing::ExampleRun run("retrypolicy");
  FetcherStarter fetcher(run.client());
  pledge::ProcessInfo done = run.finish(fetcher.get("orders", 4));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "orders fetched on attempt 5");
  auto tasks = run.tasksByMethod(done.processId);
  EXPECT_EQ(tasks.at("fetch").at(0).at("attempts"), 5);
}

TEST(RetryPolicyEndToEnd, theLastAttemptsFailureBreaksTheProcess) {
  pledge::testing::ExampleRun run("retrypolicy");
  FetcherStarter fetcher(run.client());
  pledge::ProcessInfo broken = run.finish(fetcher.get("doomed", 100));
  ASSERT_EQ(broken.state, pledge::ProcessState::Broken);
  EXPECT_EQ(broken.error->type(), "example::retrypolicy::ServiceUnavailable");
  EXPECT_EQ(run.tasksByMethod(broken.processId).at("fetch").at(0).at("attempts"), 6);
}

}  // namespace
}  // namespace example::retrypolicy
