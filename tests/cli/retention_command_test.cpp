// pledge retention and pledge retention run against a real pledge-server, with retention on
// (--retention 1s) and off.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include "cli_run.h"
#include "server_process.h"
#include "test_api.h"

namespace pledge::cli {
namespace {

using testing::ServerProcess;

TEST(PledgeRetention, showsTheSettingsAndWhatWasDeletedAndRunsAPass) {
  const std::string archive = ::testing::TempDir() + "/cli-retention-" + std::to_string(getpid());
  ServerProcess server({"--retention", "1s", "--retention-archive-dir", archive});
  testing::TestApi api(server.port());
  for (int i = 0; i < 3; ++i) {
    const StartedProcess started = api.start("Short#1", "start");
    const PolledTask task = api.poll("Short#1", 1, 5000).at(0);
    ASSERT_EQ(api.releaseStatus(testing::valueOf(task, i)), "accepted");
    ASSERT_EQ(api.awaitResult(started.processId, 5000).state, ProcessState::Completed);
  }
  // The three go a second after they ended: by a pass of the server's or one asked for here.
  std::int64_t deleted = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (deleted < 3 && std::chrono::steady_clock::now() < deadline) {
    Outcome run = runPledge(server.url(), {"retention", "run"});
    ASSERT_EQ(run.status, kExitOk) << run.err;
    EXPECT_NE(run.out.find("deleted "), std::string::npos) << run.out;
    Outcome shown = runPledge(server.url(), {"--json", "retention"});
    ASSERT_EQ(shown.status, kExitOk) << shown.err;
    deleted = parseJson(shown.out)["deletedProcesses"].get<std::int64_t>();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(deleted, 3);
  Outcome shown = runPledge(server.url(), {"retention"});
  EXPECT_EQ(shown.status, kExitOk) << shown.err;
  EXPECT_NE(shown.out.find("deleted 1.0 s after they end"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("deleted: 3 processes, 3 tasks"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("archive: " + archive + "/processes-DATE.jsonl"), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("oldest ended process: none"), std::string::npos) << shown.out;
  std::filesystem::remove_all(archive);
}

TEST(PledgeRetention, saysWhenRetentionIsOffAndARunIsRefused) {
  ServerProcess server;
  Outcome shown = runPledge(server.url(), {"retention"});
  EXPECT_EQ(shown.status, kExitOk) << shown.err;
  EXPECT_NE(shown.out.find("retention: off"), std::string::npos) << shown.out;
  Outcome run = runPledge(server.url(), {"retention", "run"});
  EXPECT_EQ(run.status, kExitRefused);
  EXPECT_NE(run.err.find("conflict: retention is off"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace pledge::cli
