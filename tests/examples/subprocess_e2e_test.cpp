#include "example_run.h"
#include "subprocess.pledge.h"

namespace example::subprocess {
namespace {

TEST(SubprocessEndToEnd, theChildsResultFeedsTheParent) {
  pledge::testing::ExampleRun run("subprocess");
  OrderingStarter ordering(run.client());
  pledge::ProcessInfo shipped = run.finish(ordering.place("A-17", "teapot"));
  ASSERT_EQ(shipped.state, pledge::ProcessState::Completed);
  EXPECT_EQ(shipped.result, "A-17: shipped, TRACK-A-17");
  auto tasks = run.tasksByMethod(shipped.processId);
  ASSERT_EQ(tasks.at("ship").size(), 1u);
  EXPECT_EQ(tasks.at("ship").at(0).at("actor"), "Shipping#1.0");
  EXPECT_EQ(tasks.at("ship").at(0).at("result"), "TRACK-A-17");
  EXPECT_EQ(run.finish(ordering.place("A-18", "unicorn")).result, "A-18: out of stock");
  // The child decider also runs as a process of its own.
  EXPECT_EQ(run.finish(ShippingStarter(run.client()).ship("B-1")).result, "TRACK-B-1");
}

}  // namespace
}  // namespace example::subprocess
