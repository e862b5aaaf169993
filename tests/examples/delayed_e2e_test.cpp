// The delayed example end to end on a real pledge-server and pledge-bootstrap: a task and a whole
// process scheduled about 1.5 s ahead were handed out no earlier.
#include "delayed.pledge.h"
#include "example_run.h"

namespace example::delayed {
namespace {

using pledge::testing::epochMs;
using pledge::testing::timeOf;

TEST(DelayedEndToEnd, aScheduledTaskRunsNoEarlierThanItsStartTime) {
  pledge::testing::ExampleRun run("delayed");
  SchedulerStarter scheduler(run.client());
  // A time in the past means now; this also waits until the workers are polling.
  ASSERT_EQ(run.finish(scheduler.remindAt("warm up", 0)).state, pledge::ProcessState::Completed);

  const std::int64_t at = epochMs() + 1500;
  pledge::ProcessInfo done = run.finish(scheduler.remindAt("stretch", at));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_GE(done.result.get<std::int64_t>(), at);  // the worker's clock

  // The server's view: the decider recorded the reminder at once, and it waited for its time.
  const pledge::Json send = run.onlyTask(done.processId, "send");
  EXPECT_LT(timeOf(send, "createdAt"), at);
  EXPECT_GE(timeOf(send, "startedAt"), at);
}

TEST(DelayedEndToEnd, aProcessStartedWithAStartTimeBeginsNoEarlier) {
  pledge::testing::ExampleRun run("delayed");
  SchedulerStarter scheduler(run.client());
  const std::int64_t at = epochMs() + 1500;
  pledge::StartedProcess started = scheduler.with({.startTime = at}).remindAt("drink water", 0);
  EXPECT_EQ(run.client().process(started.processId).state, pledge::ProcessState::Running);
  pledge::ProcessInfo done = run.finish(started);
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_GE(timeOf(run.onlyTask(done.processId, "remindAt"), "startedAt"), at);
  EXPECT_GE(done.result.get<std::int64_t>(), at);
}

}  // namespace
}  // namespace example::delayed
