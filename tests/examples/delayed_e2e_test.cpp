#include "delayed.pledge.h"
#include "example_run.h"

namespace example::delayed {
namespace {

std::int64_t epochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(DelayedEndToEnd, aTaskAndAProcessRunNoEarlierThanTheirStartTime) {
  pledge::testing::ExampleRun run("delayed");
  SchedulerStarter scheduler(run.client());
  const std::int64_t at = epochMs() + 1500;
  pledge::ProcessInfo reminded = run.finish(scheduler.remindAt("stretch", at));
  ASSERT_EQ(reminded.state, pledge::ProcessState::Completed);
  EXPECT_GE(reminded.result.get<std::int64_t>(), at);

  const std::int64_t later = epochMs() + 1500;
  pledge::StartedProcess scheduled = scheduler.with({.startTime = later}).remindAt("drink water", 0);
  pledge::ProcessInfo done = run.finish(scheduled);
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_GE(run.tasksByMethod(done.processId).at("remindAt").at(0).at("startedAt").get<std::int64_t>(), later);
}

}  // namespace
}  // namespace example::delayed
