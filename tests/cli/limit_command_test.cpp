// pledge limit set|list|clear against a real pledge-server, end to end: eight real concurrent
// workers over REST never hold more tasks of a limited actor than its maxRunning and every task
// completes; the queues, the limit list and /metrics show the limit; a limit of the config file
// is applied at start; bad values are refused naming the field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "cli_run.h"
#include "server_process.h"
#include "test_api.h"

namespace pledge::cli {
namespace {

using testing::ServerProcess;
using testing::TestApi;

constexpr int kProcesses = 30;
constexpr int kWorkers = 8;
constexpr int kMaxRunning = 3;

std::string configFile(const std::string& text) {
  char pattern[] = "/tmp/pledge-limits-XXXXXX.yaml";
  close(mkstemps(pattern, 5));
  std::ofstream(pattern) << text;
  return pattern;
}

class PledgeLimit : public ::testing::Test {
 protected:
  ~PledgeLimit() override { std::remove(config_.c_str()); }
  Outcome run(const std::vector<std::string>& args) { return runPledge(server_.url(), args); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server\n" << server_.log();
  }

  std::string config_ = configFile("limits:\n  - {actor: \"Conf#1.0\", maxRunning: 2}\n");
  ServerProcess server_{{"--config", config_}};
};

TEST_F(PledgeLimit, concurrentWorkersNeverRunMoreThanMaxRunningAndEveryTaskCompletes) {
  Outcome set = run({"limit", "set", "Slow#1.0", "--max-running", std::to_string(kMaxRunning)});
  ASSERT_EQ(set.status, kExitOk) << set.err;
  EXPECT_EQ(set.out, "Slow#1.0 (all): 3 at once\n");
  TestApi api(server_.port());
  std::vector<Uuid> ids;
  for (int i = 0; i < kProcesses; ++i) ids.push_back(api.start("Slow#1.0", "start").processId);

  // Each worker counts a task as running from its poll's answer to just before its release: a
  // window inside the server's lease, so the peak it sees is at most what the server allowed.
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::atomic<int> completed{0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      TestApi mine(server_.port());
      while (completed < kProcesses && std::chrono::steady_clock::now() < deadline) {
        std::vector<PolledTask> tasks = mine.poll("Slow#1.0", 2, 1000);
        for (std::size_t i = 0; i < tasks.size(); ++i) {
          const int now = ++running;
          int seen = peak.load();
          while (now > seen && !peak.compare_exchange_weak(seen, now)) {
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        for (const PolledTask& task : tasks) {
          --running;
          if (mine.releaseStatus(testing::valueOf(task, 1)) == "accepted") ++completed;
        }
      }
    });
  }
  // While they work, the queues show the limit.
  Outcome queues;
  for (int i = 0; i < 50 && completed < kProcesses; ++i) {
    queues = run({"queues"});
    if (queues.out.find("3 at once (actor)") != std::string::npos) break;
  }
  for (std::thread& worker : workers) worker.join();

  EXPECT_EQ(completed.load(), kProcesses);
  EXPECT_LE(peak.load(), kMaxRunning) << "more tasks ran at once than the limit allows";
  EXPECT_GE(peak.load(), 1);
  for (const Uuid& id : ids) {
    EXPECT_EQ(api.awaitResult(id, 10'000).state, ProcessState::Completed);
  }
  if (completed < kProcesses) return;
  EXPECT_NE(queues.out.find("3 at once (actor)"), std::string::npos) << queues.out;

  Outcome listed = run({"limit", "list"});
  EXPECT_EQ(listed.status, kExitOk) << listed.err;
  EXPECT_NE(listed.out.find("Slow#1.0"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("Conf#1.0"), std::string::npos) << "the config's limit: " << listed.out;
  const std::string metrics = api.http().get("/metrics").body;
  EXPECT_NE(metrics.find("pledge_limit_max_running{actor=\"Slow#1.0\",task_list=\"\"} 3"),
            std::string::npos);
  EXPECT_NE(metrics.find("pledge_tasks_running{actor=\"Slow#1.0\",task_list=\"\"} 0"),
            std::string::npos);

  Outcome cleared = run({"limit", "clear", "Slow#1.0"});
  EXPECT_EQ(cleared.out, "Slow#1.0 (all): limit cleared\n");
  EXPECT_EQ(run({"limit", "clear", "Slow#1.0"}).out, "Slow#1.0 (all): had no limit\n");
}

TEST_F(PledgeLimit, aLimitOfTheConfigIsAppliedAtStart) {
  TestApi api(server_.port());
  for (int i = 0; i < 4; ++i) api.start("Conf#1.0", "start");
  EXPECT_EQ(api.poll("Conf#1.0", 10, 5000).size(), 2U);
  Outcome listed = run({"--json", "limit", "list"});
  ASSERT_EQ(listed.status, kExitOk) << listed.err;
  Json limits = parseJson(listed.out);
  ASSERT_EQ(limits.size(), 1U);
  EXPECT_EQ(limits[0]["maxRunning"], 2);
  EXPECT_EQ(limits[0]["running"], 2);
}

TEST_F(PledgeLimit, badValuesAreRefusedNamingTheField) {
  Outcome negative = run({"limit", "set", "Slow#1.0", "--max-running", "-1"});
  EXPECT_EQ(negative.status, kExitRefused);
  EXPECT_NE(negative.err.find("maxRunning:"), std::string::npos) << negative.err;
  Outcome burst = run({"limit", "set", "Slow#1.0", "--burst", "4", "--max-running", "2"});
  EXPECT_NE(burst.err.find("burst: needs perSecond"), std::string::npos) << burst.err;
  Outcome none = run({"limit", "set", "Slow#1.0"});
  EXPECT_EQ(none.status, kExitUsage);
  TestApi api(server_.port());
  testing::HttpResult unknown =
      api.http().request("PUT", "/api/v1/limits", R"({"actor":"Slow#1.0","max":3})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("max"), std::string::npos) << unknown.body;
  testing::HttpResult zeroRate = api.http().request(
      "PUT", "/api/v1/limits", R"({"actor":"Slow#1.0","perSecond":0,"burst":5})");
  EXPECT_EQ(zeroRate.status, 400);
  EXPECT_NE(zeroRate.body.find("perSecond:"), std::string::npos) << zeroRate.body;
}

}  // namespace
}  // namespace pledge::cli
