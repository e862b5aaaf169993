// Durability: 200 processes in flight, kill -9 of the server mid-run, restart on the same data
// folder: every process completes with its correct result, and no task whose release was
// acknowledged is handed out again.
#include <fmt/format.h>
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

// Events across kill -9 (docs/events.md, E9): what the server answered is there after the
// restart: waiting event tasks (with their deadlines), kept events, ids of applied events, and
// a delivery that was acknowledged.
TEST(CrashRecovery, killDashNineLosesNoWaiterAndNoEvent) {
  ServerProcess server;
  auto send = [&](const Json& event) {
    HttpResult answer = TestApi(server.port()).http().post("/api/v1/events", event);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.json();
  };
  // Each process i waits for "go" keyed "k-i"; process 3 waits at most 1.5 s.
  auto waitFor = [&](TestApi& api, int count) {
    std::vector<StartedProcess> started;
    for (int i = 0; i < count; ++i) {
      started.push_back(api.start("W#1", "start", Json::array({i})));
    }
    int waiting = 0;
    while (waiting < count) {
      for (const PolledTask& task : api.poll("W#1", 10, 2000)) {
        const int i = task.args[0].value.get<int>();
        TaskSpec wait = newTask("W#1", "go", {ArgSpec::ofValue(fmt::format("k-{}", i))});
        wait.type = TaskType::Event;
        if (i == 3) wait.options.timeoutMs = 1'500;
        EXPECT_EQ(api.releaseStatus(forwardOf(task, wait.taskId, {wait})), "accepted");
        ++waiting;
      }
    }
    return started;
  };
  TestApi api(server.port());
  std::vector<StartedProcess> started = waitFor(api, 5);
  // Process 0 gets its event before the kill; "early" is kept; "once" is applied by id.
  EXPECT_EQ(send({{"name", "go"}, {"key", "k-0"}, {"payload", 100}})["resolved"], 1);
  EXPECT_EQ(send({{"name", "go"}, {"key", "k-9"}, {"payload", 109}})["kept"], true);
  EXPECT_EQ(send({{"name", "go"}, {"key", "k-1"}, {"payload", 101}, {"id", "once"}})["resolved"],
            1);
  server.stop(SIGKILL);

  server.start();
  TestApi again(server.port());
  // The id is remembered: a retry of the acknowledged send changes nothing.
  EXPECT_EQ(send({{"name", "go"}, {"key", "k-1"}, {"payload", 0}, {"id", "once"}})["duplicate"],
            true);
  EXPECT_EQ(send({{"name", "go"}, {"key", "k-2"}, {"payload", 102}})["resolved"], 1);
  EXPECT_EQ(send({{"name", "go"}, {"key", "k-4"}, {"payload", 104}})["resolved"], 1);
  for (int i : {0, 1, 2, 4}) {
    ProcessInfo info = again.awaitResult(started[i].processId, 10'000);
    ASSERT_EQ(info.state, ProcessState::Completed) << "process " << i << "\n" << server.log();
    EXPECT_EQ(info.result, 100 + i);
  }
  // The deadline survived too: process 3 timed out.
  ProcessInfo timedOut = again.awaitResult(started[3].processId, 10'000);
  ASSERT_EQ(timedOut.state, ProcessState::Broken);
  EXPECT_EQ(timedOut.error->type(), kTimeoutError);
  // The kept event is taken by a waiter that came after the restart.
  TestApi later(server.port());
  StartedProcess late = later.start("W#1", "start", Json::array({9}));
  PolledTask task = later.poll("W#1", 1, 5000).at(0);
  TaskSpec wait = newTask("W#1", "go", {ArgSpec::ofValue("k-9")});
  wait.type = TaskType::Event;
  EXPECT_EQ(later.releaseStatus(forwardOf(task, wait.taskId, {wait})), "accepted");
  EXPECT_EQ(later.awaitResult(late.processId, 10'000).result, 109);
}

}  // namespace
}  // namespace pledge::testing
