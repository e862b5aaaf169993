#include "example_run.h"
#include "pcollection.pledge.h"

namespace example::pcollection {
namespace {

TEST(PCollectionEndToEnd, sumsTheSquaresOnceAllAreKnown) {
  pledge::testing::ExampleRun run("pcollection");
  CollectorStarter collector(run.client());
  pledge::ProcessInfo twenty = run.finish(collector.sumOfSquares(20));
  ASSERT_EQ(twenty.state, pledge::ProcessState::Completed);
  EXPECT_EQ(twenty.result, 2470);
  auto tasks = run.tasksByMethod(twenty.processId);
  EXPECT_EQ(tasks["square"].size(), 20u);
  std::int64_t lastSquare = 0;
  for (const pledge::Json& square : tasks["square"]) lastSquare = std::max(lastSquare, square.at("endedAt").get<std::int64_t>());
  EXPECT_GE(tasks.at("total").at(0).at("startedAt").get<std::int64_t>(), lastSquare);
  EXPECT_EQ(run.finish(collector.sumOfSquares(0)).result, 0);
}

}  // namespace
}  // namespace example::pcollection
