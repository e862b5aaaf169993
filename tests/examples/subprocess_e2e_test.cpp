// The subprocess example end to end on a real pledge-server and pledge-bootstrap: the child
// decider ran inside the parent's process and its result fed the parent's next step; the same
// decider also runs as a process of its own.
#include "example_run.h"
#include "subprocess.pledge.h"

namespace example::subprocess {
namespace {

TEST(SubprocessEndToEnd, theChildDecidersResultFeedsTheParent) {
  pledge::testing::ExampleRun run("subprocess");
  OrderingStarter ordering(run.client());
  pledge::StartedProcess teapot = ordering.place("A-17", "teapot");
  pledge::StartedProcess piano = ordering.place("A-18", "piano");

  pledge::ProcessInfo shipped = run.finish(teapot);
  ASSERT_EQ(shipped.state, pledge::ProcessState::Completed);
  EXPECT_EQ(shipped.result, "A-17 shipped, tracking PA-A-17");
  EXPECT_EQ(run.finish(piano).result, "A-18 shipped, tracking FR-A-18");

  // One process: the parent's start task created the child's task, which created the booking.
  auto tasks = run.tasksByMethod(teapot.processId);
  const pledge::Json& place = tasks.at("place").at(0);
  ASSERT_EQ(tasks.at("ship").size(), 1u);
  const pledge::Json& ship = tasks.at("ship").at(0);
  EXPECT_EQ(ship.at("actor"), "Shipping#1.0");
  EXPECT_EQ(ship.at("type"), "decider");
  EXPECT_EQ(ship.at("parentId"), place.at("taskId"));
  EXPECT_EQ(ship.at("result"), "PA-A-17");
  EXPECT_EQ(tasks.at("book").at(0).at("parentId"), ship.at("taskId"));
  EXPECT_EQ(tasks.at("confirm").at(0).at("state"), "completed");
}

TEST(SubprocessEndToEnd, theChildDeciderAlsoRunsAsAProcessOfItsOwn) {
  pledge::testing::ExampleRun run("subprocess");
  ShippingStarter shipping(run.client());
  pledge::ProcessInfo done = run.finish(shipping.ship("B-1", 30'000));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.actor, "Shipping#1.0");
  EXPECT_EQ(done.result, "FR-B-1");
}

}  // namespace
}  // namespace example::subprocess
