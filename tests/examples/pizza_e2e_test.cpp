// The pizza example end to end on a real pledge-server and pledge-bootstrap: the kitchen
// (kitchen.py, an outside service on REST) says when the pizza is ready, the customer's feedback
// comes through the pledge CLI or not at all (the 2 s wait times out and the fallback branch
// runs), and an event sent before its order is kept for it.
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "example_run.h"
#include "pizza.pledge.h"

namespace example::pizza {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Waits until the process has a task of method in state "listening".
bool waitListening(pledge::testing::ExampleRun& run, const pledge::Uuid& process,
                   const std::string& method) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const pledge::Json& task : run.client().processTasks(process)) {
      if (task.at("method") == method && task.at("state") == "listening") return true;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

TEST(PizzaEndToEnd, theKitchenSaysReadyAndTheCustomerSendsFeedbackWithTheCli) {
  pledge::testing::ExampleRun run("pizza");
  PizzaDeciderStarter pizzas(run.client());
  pledge::StartedProcess order = pizzas.order("margherita", "bob", 60'000);
  ASSERT_TRUE(waitListening(run, order.processId, "pizzaReady"));
  // The outside service: finds the waiting order over REST and sends pizzaReady.
  const std::string kitchen = fmt::format("python3 {} --server {} --oven 3 --once",
                                          pledge::testing::buildBinary("examples/pizza/kitchen.py"),
                                          run.serverUrl());
  ASSERT_EQ(std::system(kitchen.c_str()), 0) << kitchen;
  ASSERT_TRUE(waitListening(run, order.processId, "feedback"));
  const std::string cli =
      fmt::format("{} --server {} event send feedback order-bob '\"hot and fast\"'",
                  pledge::testing::buildBinary("cli/pledge"), run.serverUrl());
  ASSERT_EQ(std::system(cli.c_str()), 0) << cli;
  pledge::ProcessInfo done = run.finish(order);
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "order-bob delivered; feedback: hot and fast");
  // The kitchen's payload reached the delivery.
  const pledge::Json ready = run.onlyTask(order.processId, "pizzaReady");
  EXPECT_EQ(ready.at("result").at("oven"), 3);
  EXPECT_EQ(ready.at("type"), "event");
}

TEST(PizzaEndToEnd, withoutFeedbackTheTwoSecondWaitTimesOutAndTheFallbackRuns) {
  pledge::testing::ExampleRun run("pizza");
  PizzaDeciderStarter pizzas(run.client());
  // Sent before the order exists: kept, and taken by the order's wait.
  pledge::EventDelivery early = run.client().sendEvent(pledge::Event{
      .name = "pizzaReady",
      .key = "order-eve",
      .payload = {{"orderId", "order-eve"}, {"pizza", "funghi"}, {"oven", 1}}});
  EXPECT_TRUE(early.kept);
  EXPECT_EQ(early.resolved, 0);
  const auto started = std::chrono::steady_clock::now();
  pledge::ProcessInfo done = run.finish(pizzas.order("funghi", "eve", 2'000));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "order-eve delivered; no feedback within 2000 ms");
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(2'000));
  const pledge::Json feedback = run.onlyTask(done.processId, "feedback");
  EXPECT_EQ(feedback.at("state"), "failed");
  EXPECT_EQ(feedback.at("error").at("type"), pledge::kTimeoutError);
}

}  // namespace
}  // namespace example::pizza
