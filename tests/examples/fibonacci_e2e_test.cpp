// The fibonacci example end to end: fib(0) to fib(15) as processes on a real pledge-server and
// pledge-bootstrap, every result and the size of the recursion checked.
#include <cstdint>
#include <vector>

#include "example_run.h"
#include "fibonacci.pledge.h"

namespace example::fibonacci {
namespace {

TEST(FibonacciEndToEnd, computesFibZeroToFifteen) {
  pledge::testing::ExampleRun run("fibonacci");
  FibonacciStarter fibonacci(run.client());
  std::vector<pledge::StartedProcess> started;
  for (int n = 0; n <= 15; ++n) started.push_back(fibonacci.compute(n));

  std::int64_t expected = 0;
  std::int64_t next = 1;
  for (int n = 0; n <= 15; ++n) {
    pledge::ProcessInfo done = run.finish(started[static_cast<std::size_t>(n)]);
    ASSERT_EQ(done.state, pledge::ProcessState::Completed) << "fib(" << n << ")";
    EXPECT_EQ(done.result, expected) << "fib(" << n << ")";
    expected = std::exchange(next, expected + next);
  }

  // fib(15) made fib(16) - 1 = 986 additions and two asynchronous points for each.
  auto tasks = run.tasksByMethod(started.back().processId);
  EXPECT_EQ(tasks["compute"].size(), 1u);
  EXPECT_EQ(tasks["add"].size(), 986u);
  EXPECT_EQ(tasks["fib"].size(), 2u * 986u);
}

}  // namespace
}  // namespace example::fibonacci
