// pledge cluster against a real pledge-server: its node, and the node's live memory against its
// budget (--memory-budget-mb) or none.
#include <gtest/gtest.h>

#include "cli_run.h"
#include "server_process.h"
#include "test_api.h"

namespace pledge::cli {
namespace {

using testing::ServerProcess;

TEST(PledgeCluster, showsTheNodeAndItsLiveMemoryAgainstItsBudget) {
  ServerProcess server({"--memory-budget-mb", "64"});
  testing::TestApi api(server.port());
  for (int i = 0; i < 3; ++i) api.start("Idle#1", "start");  // no runner: they stay in memory
  Outcome shown = runPledge(server.url(), {"cluster"});
  ASSERT_EQ(shown.status, kExitOk) << shown.err;
  EXPECT_NE(shown.out.find("partitions\nNODE"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(": 3 processes in memory, estimated "), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(" MiB; budget 64 MiB, 0 waiting for memory\n"), std::string::npos)
      << shown.out;
}

TEST(PledgeCluster, saysWhenTheNodeHasNoMemoryBudget) {
  ServerProcess server;
  Outcome shown = runPledge(server.url(), {"cluster"});
  ASSERT_EQ(shown.status, kExitOk) << shown.err;
  EXPECT_NE(shown.out.find(": 0 processes in memory, estimated 0.0 MiB; no memory budget\n"),
            std::string::npos)
      << shown.out;
}

}  // namespace
}  // namespace pledge::cli
