// The approval example end to end on a real pledge-server and pledge-bootstrap, its answers sent
// with the pledge CLI: approved pays (a later rejected is ignored), rejected notifies with the
// reason, and silence notifies after the wait.
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "approval.pledge.h"
#include "example_run.h"

namespace example::approval {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Runs the pledge CLI against the run's server; its exit status.
int pledgeCli(pledge::testing::ExampleRun& run, const std::string& arguments) {
  const std::string command = fmt::format("{} --server {} {}",
                                          pledge::testing::buildBinary("cli/pledge"),
                                          run.serverUrl(), arguments);
  return std::system(command.c_str());
}

bool waitListening(pledge::testing::ExampleRun& run, const pledge::Uuid& process) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const pledge::Json& task : run.client().processTasks(process)) {
      if (task.at("type") == "event" && task.at("state") == "listening") return true;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  return false;
}

TEST(ApprovalEndToEnd, theFirstAnswerWinsAndTheOtherIsIgnored) {
  pledge::testing::ExampleRun run("approval");
  ExpenseDeciderStarter expenses(run.client());
  pledge::StartedProcess paid = expenses.submit("exp-1", 4200, 60'000);
  pledge::StartedProcess refused = expenses.submit("exp-2", 99'000, 60'000);
  ASSERT_TRUE(waitListening(run, paid.processId));
  ASSERT_TRUE(waitListening(run, refused.processId));
  ASSERT_EQ(pledgeCli(run, "event send approved exp-1 '{\"by\": \"ann\"}'"), 0);
  ASSERT_EQ(pledgeCli(run, "event send rejected exp-2 '{\"reason\": \"no receipt\"}'"), 0);
  pledge::ProcessInfo done = run.finish(paid);
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "paid 4200 cents for exp-1");
  // A late answer finds no waiter: nothing changes for exp-1.
  pledge::EventDelivery late =
      run.client().sendEvent(pledge::Event{.name = "rejected", .key = "exp-1"});
  EXPECT_EQ(late.resolved, 0);
  EXPECT_EQ(run.client().process(paid.processId).result, "paid 4200 cents for exp-1");
  done = run.finish(refused);
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "exp-2: rejected: no receipt");
}

TEST(ApprovalEndToEnd, withoutAnAnswerTheSubmitterIsToldAfterTheWait) {
  pledge::testing::ExampleRun run("approval");
  ExpenseDeciderStarter expenses(run.client());
  pledge::ProcessInfo done = run.finish(expenses.submit("exp-3", 100, 1'500));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, "exp-3: nobody decided within 1500 ms; submit it again");
}

}  // namespace
}  // namespace example::approval
