// The process deadline over REST after a server restart (docs/rest.md "Read", docs/operations.md
// "Timeouts and cancellation"), on a real pledge-server: a dormant process, one completed before
// its deadline and one broken by it are read back from the store with their deadline, in the
// process and in the process list; one started without a deadline has none.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <map>
#include <optional>
#include <thread>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

std::int64_t epochMsNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class DeadlineRest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server\n" << server_.log();
  }

  // Waits up to 20 s for condition.
  static bool eventually(const std::function<bool()>& condition) {
    for (int i = 0; i < 400; ++i) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
  }
  Uuid startWithDeadline(const std::string& actor, std::int64_t deadlineMs) {
    return api_.start(actor, "start", Json::array(), {.deadlineMs = deadlineMs}).processId;
  }
  // The process as the process list shows it.
  Json listed(const Uuid& id) {
    HttpResult page = api_.http().get("/api/v1/processes?limit=1000");
    EXPECT_EQ(page.status, 200) << page.body;
    const Json body = page.json();
    for (const Json& item : body.at("items")) {
      if (item.at("processId") == id.toString()) return item;
    }
    ADD_FAILURE() << "process " << id.toString() << " is not listed";
    return Json();
  }
  void expectDeadline(const Uuid& id, std::optional<std::int64_t> deadline) {
    EXPECT_EQ(api_.process(id).deadline, deadline) << id.toString();
    const Json item = listed(id);
    if (deadline) {
      EXPECT_EQ(item.value("deadline", Json()), Json(*deadline)) << item.dump();
    } else {
      EXPECT_FALSE(item.contains("deadline") && !item["deadline"].is_null()) << item.dump();
    }
  }

  // Dormant after half a second: a process waiting for a timer an hour away leaves memory.
  ServerProcess server_{
      ServerOptions{.extraArgs = {"--dormant-after-ms", "500"}, .stickyPort = true}};
  TestApi api_{server_.port()};
};

TEST_F(DeadlineRest, dormantAndEndedProcessesAnswerTheirDeadlineAfterARestart) {
  // Dormant: its decider (played here) leaves a timer an hour away.
  const Uuid dormant = startWithDeadline("Sleeper#1.0", 7'200'000);
  PolledTask decider = api_.poll("Sleeper#1.0", 1, 5000).at(0);
  TaskSpec timer = newTask("Sleeper#1.0", "later", {}, TaskType::Worker,
                           {.startTime = epochMsNow() + 3'600'000});
  const Uuid later = timer.taskId;
  ASSERT_EQ(api_.releaseStatus(forwardOf(decider, later, {std::move(timer)})), "accepted");
  ASSERT_TRUE(eventually([&] {
    return api_.http().get("/metrics").body.find("pledge_live_processes{where=\"dormant\"} 1") !=
           std::string::npos;
  })) << "the process did not become dormant";
  // Completed before its deadline.
  const Uuid completed = startWithDeadline("Held#1.0", 7'200'000);
  PolledTask held = api_.poll("Held#1.0", 1, 5000).at(0);
  ASSERT_EQ(api_.releaseStatus(valueOf(held, 1)), "accepted");
  EXPECT_EQ(api_.awaitResult(completed, 10'000).state, ProcessState::Completed);
  // Broken by its deadline: nobody runs Crash#1.0.
  const Uuid broken = startWithDeadline("Crash#1.0", 300);
  const ProcessInfo timedOut = api_.awaitResult(broken, 10'000);
  EXPECT_EQ(timedOut.state, ProcessState::Broken);
  ASSERT_TRUE(timedOut.error.has_value());
  EXPECT_EQ(timedOut.error->type(), kTimeoutError);
  const Uuid none = api_.start("Held#1.0", "start").processId;

  std::map<Uuid, std::int64_t> deadlines;
  for (const Uuid& id : {dormant, completed, broken}) {
    std::optional<std::int64_t> deadline = api_.process(id).deadline;
    ASSERT_TRUE(deadline.has_value()) << id.toString();
    deadlines[id] = *deadline;
  }
  server_.stop(SIGTERM);
  server_.start();
  for (const Uuid& id : {dormant, completed, broken}) expectDeadline(id, deadlines[id]);
  expectDeadline(none, std::nullopt);
  EXPECT_EQ(api_.process(dormant).state, ProcessState::Running);
  EXPECT_EQ(api_.process(broken).error->type(), kTimeoutError);
}

}  // namespace
}  // namespace pledge::testing
