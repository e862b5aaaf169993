// The summator example end to end: lists of every shape summed on a real pledge-server and
// pledge-bootstrap, and the number of additions and levels a reduction took.
#include <cstdint>
#include <numeric>
#include <vector>

#include "example_run.h"
#include "summator.pledge.h"

namespace example::summator {
namespace {

std::vector<std::int64_t> oneTo(int n) {
  std::vector<std::int64_t> values(static_cast<std::size_t>(n));
  std::iota(values.begin(), values.end(), 1);
  return values;
}

TEST(SummatorEndToEnd, sumsEmptySingleEvenOddAndLongLists) {
  pledge::testing::ExampleRun run("summator");
  SummatorStarter summator(run.client());
  const std::vector<std::vector<std::int64_t>> lists = {
      {}, {5}, {1, 2}, {4, -9, 16}, oneTo(10), oneTo(37), {-3, -3, -3, -3, -3, -3, -3}};
  std::vector<pledge::StartedProcess> started;
  for (const auto& values : lists) started.push_back(summator.sum(values));
  for (std::size_t i = 0; i < lists.size(); ++i) {
    pledge::ProcessInfo done = run.finish(started[i]);
    ASSERT_EQ(done.state, pledge::ProcessState::Completed) << "list " << i;
    EXPECT_EQ(done.result, std::accumulate(lists[i].begin(), lists[i].end(), std::int64_t{0}))
        << "list " << i;
  }

  // 37 values: 36 additions; the levels hold 37 19 10 5 3 2 1 values, and sum ran the first
  // itself, so six reduce tasks.
  auto tasks = run.tasksByMethod(started[5].processId);
  EXPECT_EQ(tasks["add"].size(), 36u);
  EXPECT_EQ(tasks["reduce"].size(), 6u);
  // An empty list needs no task besides the start.
  EXPECT_EQ(run.client().processTasks(started[0].processId).size(), 1u);
}

}  // namespace
}  // namespace example::summator
