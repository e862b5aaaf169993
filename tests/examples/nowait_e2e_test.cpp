#include "example_run.h"
#include "nowait.pledge.h"

namespace example::nowait {
namespace {

TEST(NoWaitEndToEnd, theHeaderIsWrittenWhileTheSlowCountRuns) {
  pledge::testing::ExampleRun run("nowait");
  ReportStarter report(run.client());
  pledge::ProcessInfo done = run.finish(report.build("apples"));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "Stock of apples (counting when this line was written): 60");
  auto tasks = run.tasksByMethod(done.processId);
  const std::int64_t headerEnded = tasks.at("header").at(0).at("endedAt").get<std::int64_t>();
  const std::int64_t countEnded = tasks.at("count").at(0).at("endedAt").get<std::int64_t>();
  const std::int64_t completeStarted = tasks.at("complete").at(0).at("startedAt").get<std::int64_t>();
  EXPECT_LT(headerEnded, countEnded);
  EXPECT_GE(completeStarted, countEnded);
}

}  // namespace
}  // namespace example::nowait
