#include "example_run.h"
#include "fibonacci.pledge.h"

namespace example::fibonacci {
namespace {

TEST(FibonacciEndToEnd, computesTheFirstElevenNumbers) {
  pledge::testing::ExampleRun run("fibonacci");
  FibonacciStarter fibonacci(run.client());
  const std::int64_t expected[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55};
  std::vector<pledge::StartedProcess> started;
  for (int n = 0; n <= 10; ++n) started.push_back(fibonacci.compute(n));
  for (int n = 0; n <= 10; ++n) {
    pledge::ProcessInfo done = run.finish(started[static_cast<std::size_t>(n)]);
    ASSERT_EQ(done.state, pledge::ProcessState::Completed) << "fib(" << n << ")";
    EXPECT_EQ(done.result, expected[n]) << "fib(" << n << ")";
  }
  // fib(10) ran 177 asynchronous points and 88 additions besides its start task.
  auto tasks = run.tasksByMethod(started[10].processId);
  EXPECT_EQ(tasks["fib"].size(), 177u);
  EXPECT_EQ(tasks["add"].size(), 88u);
}

}  // namespace
}  // namespace example::fibonacci
