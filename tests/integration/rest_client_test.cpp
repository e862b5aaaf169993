// RestClient against several real pledge-server processes: a poller is not kept from one node's
// ready tasks by a long poll of another, starts are spread over the nodes, and an unreachable
// node is skipped while a clear error names every node tried when none answers. And against one:
// what the server writes of a release is the wire model's text of what the client reads.
#include "pledge/rest_client.h"

#include <gtest/gtest.h>

#include <csignal>
#include <chrono>

#include "http_client.h"
#include "pledge/json_writer.h"
#include "pledge/release.h"
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

// The server's answers are held to the writer both sides use (release.h): its bytes are the
// text the wire model writes for the values the client reads of them, in every shape.
TEST(RestClientWire, theServersReleaseAnswersAreTheWireModelsTextOfWhatTheClientReads) {
  ServerProcess server;
  RestClient client({server.url()}, RestClientOptions{.workerId = "wire-test"});
  HttpClient http("127.0.0.1", server.port());
  client.start(startOf("D#1"));
  const PolledTask start = client.poll({{"D#1", ""}}, 1, seconds(5)).at(0);
  const TaskSpec work{.taskId = Uuid::random(), .actor = "W#1", .method = "work"};
  const Decision decision{.taskId = start.taskId, .processId = start.processId,
                          .attempt = start.attempt, .result = "planned", .tasks = {work}};
  const PollRequest poll{.worker = "wire-test", .queues = {{"W#1", ""}}, .max = 4};

  // Accepted, with the task it made ready leased by its poll.
  const HttpResult accepted =
      http.post("/api/v1/tasks/release", toJsonText(ReleaseRequest{{decision}, poll}));
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  const ReleaseAnswer read = parseReleaseAnswer(accepted.body);
  EXPECT_EQ(accepted.body, toJsonText(read));
  EXPECT_EQ(accepted.body, Json(read).dump());
  ASSERT_EQ(read.results.size(), 1u);
  EXPECT_EQ(read.results[0], (ReleaseResult{start.taskId, ReleaseStatus::Accepted, {}}));
  ASSERT_TRUE(read.tasks.has_value());
  ASSERT_EQ(read.tasks->size(), 1u);
  EXPECT_EQ(read.tasks->at(0).taskId, work.taskId);

  // The same decision again, through the client: a duplicate, and its poll ran (nothing ready).
  const ReleaseAnswer again = client.releaseAndPoll({decision}, {{"W#1", ""}}, 4);
  EXPECT_EQ(again, ReleaseAnswer::of({ReleaseResult{start.taskId, ReleaseStatus::Duplicate, {}}},
                                     std::vector<PolledTask>{}));

  // Every decision refused: the status and error of the first rejection, no tasks leased.
  Decision stale = decision;
  stale.attempt = start.attempt + 1;
  const HttpResult refused =
      http.post("/api/v1/tasks/release", toJsonText(ReleaseRequest{{stale}, poll}));
  const ReleaseAnswer refusal = parseReleaseAnswer(refused.body);
  EXPECT_EQ(refused.body, toJsonText(refusal));
  EXPECT_EQ(refused.status, refusal.httpStatus());
  EXPECT_NE(refused.status, 200) << refused.body;
  ASSERT_TRUE(refusal.error.has_value()) << refused.body;
  EXPECT_EQ(refusal.results.at(0).status, ReleaseStatus::Rejected);
  EXPECT_EQ(refusal.tasks, std::nullopt);
  EXPECT_EQ(client.release({stale}), refusal.results);
}

}  // namespace
}  // namespace pledge::testing
