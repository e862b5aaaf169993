// The pcollection example end to end on a real pledge-server and pledge-bootstrap: the total ran
// once, after the last of the squares.
#include <algorithm>

#include "example_run.h"
#include "pcollection.pledge.h"

namespace example::pcollection {
namespace {

using pledge::testing::timeOf;

TEST(PCollectionEndToEnd, theTotalRunsOnceEverySquareIsKnown) {
  pledge::testing::ExampleRun run("pcollection");
  CollectorStarter collector(run.client());
  pledge::ProcessInfo twenty = run.finish(collector.sumOfSquares(20));
  ASSERT_EQ(twenty.state, pledge::ProcessState::Completed);
  EXPECT_EQ(twenty.result, 2470);  // 0*0 + 1*1 + ... + 19*19

  auto tasks = run.tasksByMethod(twenty.processId);
  ASSERT_EQ(tasks["square"].size(), 20u);
  ASSERT_EQ(tasks["total"].size(), 1u);
  std::int64_t lastSquare = 0;
  for (const pledge::Json& square : tasks["square"]) {
    lastSquare = std::max(lastSquare, timeOf(square, "endedAt"));
  }
  EXPECT_GE(timeOf(tasks["total"][0], "readyAt"), lastSquare);

  pledge::ProcessInfo none = run.finish(collector.sumOfSquares(0));
  ASSERT_EQ(none.state, pledge::ProcessState::Completed);
  EXPECT_EQ(none.result, 0);
}

}  // namespace
}  // namespace example::pcollection
