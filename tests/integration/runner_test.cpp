// pledge-bootstrap as a real process: a SIGKILLed runner loses nothing (another finishes its
// work once the leases expire); a SIGTERMed runner finishes and releases what it holds; a runner
// whose pools adapt their poll batches (pollBatch: auto) completes what it is given, and leases
// tasks that take long one at a time.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "bootstrap_process.h"
#include "pledge/rest_client.h"
#include "server_process.h"
#include "steps.pledge.h"

namespace pledge::testing {
namespace {

constexpr int kSteps = 4;

std::int64_t expectedSum() {
  std::int64_t sum = 0;
  for (int i = 0; i < kSteps; ++i) sum += i * i;
  return sum;
}

std::vector<StartedProcess> startRuns(RestClient& client, int count, int sleepMs) {
  steps::StepsStarter starter(client);
  std::vector<StartedProcess> started;
  for (int i = 0; i < count; ++i) started.push_back(starter.run(kSteps, sleepMs));
  return started;
}

// Waits until at least count processes have completed (the rest are in flight).
void waitForCompleted(RestClient& client, std::size_t count) {
  for (int i = 0; i < 3000; ++i) {
    if (client.listProcesses({{"state", "completed"}, {"limit", "1000"}}).at("items").size() >=
        count)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << "fewer than " << count << " processes completed in 30 s";
}

TEST(Runner, killedRunnerLosesNothing) {
  ServerProcess server({"--default-timeout-ms", "1500"});
  RestClient client({server.url()});
  std::vector<StartedProcess> started;
  {
    BootstrapProcess first("tests/integration/actors/actors.yaml", server.url());
    started = startRuns(client, 40, 40);
    waitForCompleted(client, 5);  // some processes done, many in flight
    EXPECT_EQ(first.stop(SIGKILL), -SIGKILL);
  }
  BootstrapProcess second("tests/integration/actors/actors.yaml", server.url());
  int retried = 0;
  for (const StartedProcess& run : started) {
    ProcessInfo done = client.waitResult(run.processId, std::chrono::seconds(60));
    ASSERT_EQ(done.state, ProcessState::Completed) << second.log();
    EXPECT_EQ(done.result, expectedSum());
    for (const Json& task : client.processTasks(run.processId))
      retried += task.at("attempts").get<int>() > 1;
  }
  EXPECT_GT(retried, 0) << "the killed runner held no task: the test did not kill mid-run";
}

TEST(Runner, terminatedRunnerFinishesAndReleasesWhatItHolds) {
  ServerProcess server;  // default 60 s leases: a task left leased would stall its process
  RestClient client({server.url()});
  BootstrapProcess stays("tests/integration/actors/actors.yaml", server.url());
  BootstrapProcess leaves("tests/integration/actors/actors.yaml", server.url());
  std::vector<StartedProcess> started = startRuns(client, 40, 40);
  waitForCompleted(client, 5);
  EXPECT_EQ(leaves.stop(SIGTERM), 0) << leaves.log();
  EXPECT_NE(leaves.log().find("stopped:"), std::string::npos) << leaves.log();
  for (const StartedProcess& run : started) {
    ProcessInfo done = client.waitResult(run.processId, std::chrono::seconds(30));
    ASSERT_EQ(done.state, ProcessState::Completed) << "a task stayed leased by the stopped runner";
    EXPECT_EQ(done.result, expectedSum());
    for (const Json& task : client.processTasks(run.processId)) {
      EXPECT_EQ(task.at("attempts"), 1) << "a lease of the stopped runner expired: " << task.dump();
    }
  }
}

// Waits for every run to complete with its sum, then stops the runner gracefully.
void completeThenStop(RestClient& client, const std::vector<StartedProcess>& started,
                      BootstrapProcess& runner) {
  for (const StartedProcess& run : started) {
    ProcessInfo done = client.waitResult(run.processId, std::chrono::seconds(60));
    ASSERT_EQ(done.state, ProcessState::Completed) << runner.log();
    EXPECT_EQ(done.result, expectedSum());
  }
  EXPECT_EQ(runner.stop(SIGTERM), 0) << runner.log();
}

TEST(Runner, adaptivePollBatchesCompleteEveryProcess) {
  ServerProcess server;
  RestClient client({server.url()});
  BootstrapProcess runner("tests/integration/actors/actors_auto.yaml", server.url());
  // Enough round trips for the limits to move (the warm-up of a limit is 10 of them).
  std::vector<StartedProcess> started = startRuns(client, 200, 1);
  ASSERT_NO_FATAL_FAILURE(completeThenStop(client, started, runner));
  const std::string log = runner.log();
  EXPECT_NE(log.find("Sleeper#1.0 with 4 thread(s), poll batch auto (from 8, at most 8)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("Steps#1.0 with 2 thread(s), poll batch auto (from 32, at most 1000)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("Sleeper#1.0: in-flight limit"), std::string::npos) << log;
}

TEST(Runner, anAdaptivePoolLeasesSlowTasksOneAtATime) {
  // Sleeper tasks of 150 ms: a poll may lease what its thread runs in about 100 ms, so one, even
  // though the round trips would let the limit grow to maxPollBatch (1,000) a poll.
  ServerProcess server;
  RestClient client({server.url()});
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pledge-slow-" + Uuid::random().toString());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "actors.yaml")
      << "servers: [\"" << server.url() << "\"]\n"
      << "plugins: [\"" << buildBinary("tests/integration/actors/libsteps_actors.so") << "\"]\n"
      << "actors:\n"
      << "  - {actor: \"Steps#1.0\", threads: 1, pollBatch: auto}\n"
      << "  - {actor: \"Sleeper#1.0\", threads: 4, pollBatch: auto}\n"
      << "log: {level: info}\npoll: {waitMs: 500}\n";
  BootstrapProcess runner((dir / "actors.yaml").string(), server.url());
  std::vector<StartedProcess> started = startRuns(client, 25, 150);
  ASSERT_NO_FATAL_FAILURE(completeThenStop(client, started, runner));
  const std::string log = runner.log();
  std::smatch match;
  const std::regex line(R"(Sleeper#1\.0: in-flight limit (\d+) at the stop \((\d+) per poll\))");
  ASSERT_TRUE(std::regex_search(log, match, line)) << log;
  EXPECT_EQ(match[2].str(), "1") << log;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pledge::testing
