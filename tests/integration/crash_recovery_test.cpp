// Durability: 200 processes in flight, kill -9 of the server mid-run, restart on the same data
// folder: every process completes with its correct result, and no task whose release was
// acknowledged is handed out again.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

constexpr int kProcesses = 200;

// Plays decider and worker: start(i) -> double(i) -> inc(<double>), forwarding to inc, so the
// result of process i is 2i + 1.
class Driver {
 public:
  // Runs until stop is set or every process completed; returns false when the server went away.
  bool run(std::uint16_t port, std::atomic<bool>& stop) {
    try {
      TestApi api(port);
      while (!stop) {
        std::vector<PolledTask> tasks = api.poll("Calc#1", 20, 0);
        std::vector<PolledTask> starts = api.poll("Chain#1", 20, tasks.empty() ? 200 : 0);
        tasks.insert(tasks.end(), starts.begin(), starts.end());
        if (tasks.empty()) {
          if (done_ >= kProcesses) return true;
          continue;
        }
        std::vector<Decision> decisions;
        for (const PolledTask& task : tasks) {
          {
            std::lock_guard lock(mutex_);
            if (acknowledged_.contains(task.taskId)) handedOutAgain_.insert(task.taskId);
          }
          if (task.method == "start") {
            TaskSpec twice = newTask("Calc#1", "double", {ArgSpec::ofValue(task.args[0].value)});
            TaskSpec inc = newTask("Calc#1", "inc", {ArgSpec::ofPromise(twice.taskId)});
            decisions.push_back(forwardOf(task, inc.taskId, {twice, inc}));
          } else if (task.method == "double") {
            decisions.push_back(valueOf(task, task.args[0].value.get<int>() * 2));
          } else {
            decisions.push_back(valueOf(task, task.args[0].value.get<int>() + 1));
          }
        }
        HttpResult result = api.release(decisions);
        Json results = result.json().at("results");
        std::lock_guard lock(mutex_);
        for (const Json& entry : results) {
          if (entry.at("status") == "accepted")
            acknowledged_.insert(entry.at("taskId").get<Uuid>());
        }
        releases_ += static_cast<int>(decisions.size());
      }
      return true;
    } catch (const std::exception&) {
      return false;  // the server was killed under us
    }
  }

  int releases() const { return releases_; }
  void setDone(int done) { done_ = done; }
  std::set<Uuid> handedOutAgain() {
    std::lock_guard lock(mutex_);
    return handedOutAgain_;
  }

 private:
  std::mutex mutex_;
  std::set<Uuid> acknowledged_;
  std::set<Uuid> handedOutAgain_;
  std::atomic<int> releases_{0};
  std::atomic<int> done_{0};
};

TEST(CrashRecovery, killDashNineLosesNothingAcknowledged) {
  ServerProcess server({"--default-timeout-ms", "1500"});
  std::vector<StartedProcess> started;
  {
    TestApi api(server.port());
    for (int i = 0; i < kProcesses; ++i)
      started.push_back(api.start("Chain#1", "start", Json::array({i})));
  }

  Driver driver;
  std::atomic<bool> stop{false};
  std::thread first([&] { driver.run(server.port(), stop); });
  while (driver.releases() < 250) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server.stop(SIGKILL);
  first.join();

  server.start();
  TestApi api(server.port());
  std::thread second([&] { driver.run(server.port(), stop); });
  for (int i = 0; i < kProcesses; ++i) {
    ProcessInfo info = api.awaitResult(started[i].processId, 60'000);
    ASSERT_EQ(info.state, ProcessState::Completed) << "process " << i << "\n" << server.log();
    EXPECT_EQ(info.result, 2 * i + 1) << "process " << i;
    driver.setDone(i + 1);
  }
  stop = true;
  second.join();
  EXPECT_TRUE(driver.handedOutAgain().empty())
      << driver.handedOutAgain().size() << " acknowledged tasks were handed out again";
  Json completed = api.http().get("/api/v1/processes?state=completed&limit=1000").json();
  EXPECT_EQ(completed.at("items").size(), static_cast<std::size_t>(kProcesses));
}

TEST(CrashRecovery, gracefulStopAnswersParkedPollsAndKeepsEverything) {
  ServerProcess server;
  TestApi api(server.port());
  StartedProcess started =
      api.start("D#1", "start", Json::array({1}), StartOptions{.customId = "keep-me"});
  EXPECT_EQ(server.stop(SIGTERM), 0);
  server.start();
  TestApi again(server.port());
  EXPECT_EQ(again.process(started.processId).customId, "keep-me");
  EXPECT_EQ(again.poll("D#1", 1, 5000).size(), 1u);
}

}  // namespace
}  // namespace pledge::testing
