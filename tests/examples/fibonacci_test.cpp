#include <gtest/gtest.h>

#include "fibonacci_actors.h"
#include "recording.h"

namespace example::fibonacci {
namespace {

TEST(FibonacciDecider, smallNumbersAreAnswersNotTasks) {
  FibonacciImpl decider;
  pledge::Promise<std::int64_t> one;
  auto tasks = pledge::testing::recordDecision(Fibonacci::kActor, [&] { one = decider.fib(1); });
  EXPECT_TRUE(tasks.empty());
  EXPECT_EQ(one.get(), 1);
}

TEST(FibonacciDecider, eachLevelRecordsTwoRecursionsAndAnAddition) {
  FibonacciImpl decider;
  pledge::Promise<std::int64_t> result;
  auto tasks = pledge::testing::recordDecision(Fibonacci::kActor, [&] { result = decider.fib(5); });
  FibonacciRecording self(tasks);
  AdderRecording adder(tasks);
  ASSERT_EQ(self.fib().size(), 2u);
  EXPECT_EQ(self.fib()[0].n.value(), 4);
  EXPECT_EQ(self.fib()[1].n.value(), 3);
  ASSERT_EQ(adder.add().size(), 1u);
  EXPECT_TRUE(adder.add()[0].a.isPromiseOf(self.fib()[0].task));
  EXPECT_TRUE(adder.add()[0].b.isPromiseOf(self.fib()[1].task));
  EXPECT_EQ(result.taskId(), adder.add()[0].task.taskId);
}

}  // namespace
}  // namespace example::fibonacci
