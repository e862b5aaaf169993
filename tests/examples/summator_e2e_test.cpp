#include <numeric>

#include "example_run.h"
#include "summator.pledge.h"

namespace example::summator {
namespace {

TEST(SummatorEndToEnd, sumsListsOfEverySize) {
  pledge::testing::ExampleRun run("summator");
  SummatorStarter summator(run.client());
  std::vector<std::vector<std::int64_t>> lists = {{}, {5}, {1, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}};
  std::vector<std::int64_t> many(37);
  std::iota(many.begin(), many.end(), 1);
  lists.push_back(many);
  for (const auto& values : lists) {
    pledge::ProcessInfo done = run.finish(summator.sum(values));
    ASSERT_EQ(done.state, pledge::ProcessState::Completed);
    EXPECT_EQ(done.result, std::accumulate(values.begin(), values.end(), std::int64_t{0}));
  }
}

}  // namespace
}  // namespace example::summator
