// The fibonacci decider, unit-tested through the generated recordings: what one level of the
// recursion records, without a server.
#include <gtest/gtest.h>

#include "fibonacci_actors.h"
#include "recording.h"

namespace example::fibonacci {
namespace {

using pledge::testing::recordDecision;

TEST(FibonacciDecider, theEndOfTheRecursionIsAnAnswerNotATask) {
  FibonacciImpl decider;
  pledge::Promise<std::int64_t> zero;
  pledge::Promise<std::int64_t> one;
  auto tasks = recordDecision(Fibonacci::kActor, [&] {
    zero = decider.fib(0);
    one = decider.fib(1);
  });
  EXPECT_TRUE(tasks.empty());
  EXPECT_EQ(zero.get(), 0);
  EXPECT_EQ(one.get(), 1);
}

TEST(FibonacciDecider, eachLevelRecordsTwoRecursionsAndTheirSum) {
  FibonacciImpl decider;
  pledge::Promise<std::int64_t> result;
  auto tasks = recordDecision(Fibonacci::kActor, [&] { result = decider.fib(5); });
  ASSERT_EQ(tasks.size(), 3u);
  FibonacciRecording self(tasks);
  AdderRecording adder(tasks);
  ASSERT_EQ(self.fib().size(), 2u);
  EXPECT_EQ(self.fib()[0].n.value(), 4);
  EXPECT_EQ(self.fib()[1].n.value(), 3);
  EXPECT_EQ(self.fib()[0].task.type, pledge::TaskType::Decider);
  ASSERT_EQ(adder.add().size(), 1u);
  EXPECT_TRUE(adder.add()[0].a.isPromiseOf(self.fib()[0].task));
  EXPECT_TRUE(adder.add()[0].b.isPromiseOf(self.fib()[1].task));
  // The level's result is the sum's promise: the server forwards it to fib(5)'s own promise.
  EXPECT_TRUE(result.isPending());
  EXPECT_EQ(result.taskId(), adder.add()[0].task.taskId);
}

TEST(FibonacciDecider, computeRunsTheFirstLevelInItsOwnTask) {
  FibonacciImpl decider;
  auto tasks = recordDecision(Fibonacci::kActor, [&] { decider.compute(7); });
  FibonacciRecording self(tasks);
  ASSERT_EQ(self.fib().size(), 2u);
  EXPECT_EQ(self.fib()[0].n.value(), 6);
  EXPECT_EQ(AdderRecording(tasks).add().size(), 1u);
}

}  // namespace
}  // namespace example::fibonacci
