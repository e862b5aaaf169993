// RestClient against several real pledge-server processes: a poller is not kept from one node's
// ready tasks by a long poll of another, starts are spread over the nodes, and an unreachable
// node is skipped while a clear error names every node tried when none answers.
#include "pledge/rest_client.h"

#include <gtest/gtest.h>

#include <csignal>
#include <chrono>

#include "server_process.h"

namespace pledge::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

StartRequest startOf(const std::string& actor) {
  return StartRequest{.actor = actor, .method = "start"};
}

TEST(RestClientNodes, aLongPollOfAnIdleNodeDoesNotHideAnotherNodesReadyTask) {
  ServerProcess idle;
  ServerProcess busy;
  RestClient onlyBusy({busy.url()});
  StartedProcess started = onlyBusy.start(startOf("D#1"));
  RestClient both({idle.url(), busy.url()});
  // Whichever node the rotation asks first, the ready task is found at once.
  for (int round = 0; round < 2; ++round) {
    const auto t0 = Clock::now();
    std::vector<PolledTask> tasks = both.poll({{"D#1", ""}}, 1, seconds(5));
    ASSERT_EQ(tasks.size(), 1u) << "round " << round;
    EXPECT_EQ(tasks[0].processId, started.processId);
    EXPECT_LT(Clock::now() - t0, seconds(2)) << "waited on the idle node";
    // The next round needs another ready task.
    if (round == 0) started = onlyBusy.start(startOf("D#1"));
  }
  // Nothing anywhere: it long-polls and returns empty after about the wait.
  const auto t0 = Clock::now();
  EXPECT_TRUE(both.poll({{"D#1", ""}}, 1, milliseconds(300)).empty());
  EXPECT_GE(Clock::now() - t0, milliseconds(250));
}

TEST(RestClientNodes, startsAreSpreadOverTheNodes) {
  ServerProcess a;
  ServerProcess b;
  RestClient both({a.url(), b.url()});
  for (int i = 0; i < 4; ++i) both.start(startOf("D#1"));
  both.startMany({startOf("D#1"), startOf("D#1")});
  both.startMany({startOf("D#1"), startOf("D#1")});
  const std::size_t onA =
      RestClient({a.url()}).listProcesses({{"limit", "100"}}).at("items").size();
  const std::size_t onB =
      RestClient({b.url()}).listProcesses({{"limit", "100"}}).at("items").size();
  EXPECT_EQ(onA + onB, 8u);
  EXPECT_EQ(onA, 4u) << "round robin over two nodes";
}

TEST(RestClientNodes, anUnreachableNodeIsSkippedAndNoneReachableIsAClearError) {
  ServerProcess up;
  ServerProcess down;
  const std::string downUrl = down.url();
  down.stop(SIGKILL);
  RestClient client({downUrl, up.url()});
  EXPECT_NO_THROW(client.start(startOf("D#1")));
  EXPECT_EQ(client.poll({{"D#1", ""}}, 1, seconds(1)).size(), 1u);
  up.stop(SIGKILL);
  try {
    client.start(startOf("D#1"));
    FAIL() << "no node answers";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Unavailable);
    EXPECT_NE(std::string(error.what()).find(downUrl), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("Is it running?"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace pledge::testing
