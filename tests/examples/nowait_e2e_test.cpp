// The nowait example end to end on a real pledge-server and pledge-bootstrap: the task times the
// server recorded show the header ran while the slow count was running and the completion after.
#include "example_run.h"
#include "nowait.pledge.h"
#include "nowait_actors.h"

namespace example::nowait {
namespace {

using pledge::testing::timeOf;

TEST(NoWaitEndToEnd, theHeaderRunsDuringTheSlowCountAndTheCompletionAfterIt) {
  pledge::testing::ExampleRun run("nowait");
  ReportStarter report(run.client());
  pledge::ProcessInfo done = run.finish(report.build("apples"));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "Stock of apples (counting when this line was written): 60");

  const pledge::Json count = run.onlyTask(done.processId, "count");
  const pledge::Json header = run.onlyTask(done.processId, "header");
  const pledge::Json complete = run.onlyTask(done.processId, "complete");
  // The header was handed out and finished before the count resolved ...
  EXPECT_LT(timeOf(header, "startedAt"), timeOf(count, "endedAt"));
  EXPECT_LE(timeOf(header, "endedAt"), timeOf(count, "endedAt"));
  // ... while the completion, which got the same promise without noWait, became ready after it.
  EXPECT_GE(timeOf(complete, "readyAt"), timeOf(count, "endedAt"));
  EXPECT_GE(timeOf(complete, "startedAt"), timeOf(count, "endedAt"));
  EXPECT_GE(timeOf(count, "endedAt") - timeOf(count, "startedAt"), kCountMs);
}

}  // namespace
}  // namespace example::nowait
