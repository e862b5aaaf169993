// Schedules in a cluster (docs/operations.md "Schedules"): two nodes on one PostgreSQL, one
// `@every 1s` schedule: the owner of its partition fires it, each fire starts exactly one
// process (the nodes' fire counters add up to the processes), with no fire missing.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "http_client.h"
#include "pledge/schedule.h"
#include "server_process.h"
#include "test_database.h"

namespace pledge::testing {
namespace {

// pledge_schedule_fires_total of a node.
double firesOf(ServerProcess& node) {
  const std::string text = HttpClient("127.0.0.1", node.port()).get("/metrics").body;
  const std::string name = "\npledge_schedule_fires_total ";
  const std::size_t at = text.find(name);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + name.size()));
}

TEST(ScheduleCluster, twoNodesFireEachFireOfAScheduleExactlyOnce) {
  auto database = std::make_shared<TestDatabase>();
  ServerProcess a(ServerOptions{.database = database, .nodeName = "a"});
  ServerProcess b(ServerOptions{.database = database, .nodeName = "b"});
  HttpClient http("127.0.0.1", b.port());
  // Both nodes hold partitions (the ownership settled) before the schedule exists.
  for (int i = 0; i < 100; ++i) {
    if (database
            ->query("SELECT DISTINCT split_part(owner, '#', 1) FROM partition_leases WHERE "
                    "owner IS NOT NULL AND expires_at > now()")
            .size() == 2) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  Json schedule = {{"id", "everywhere"},
                   {"cron", "@every 1s"},
                   {"start", {{"actor", "Tick#1"}, {"method", "start"}}},
                   {"overlap", "allow"}};
  ASSERT_EQ(http.post("/api/v1/schedules", schedule).status, 201);
  std::this_thread::sleep_for(std::chrono::seconds(6));
  ASSERT_EQ(http.post("/api/v1/schedules/everywhere/pause", "").status, 200);
  std::this_thread::sleep_for(std::chrono::seconds(1));

  std::vector<std::string> customIds = database->query(
      "SELECT custom_id FROM processes WHERE custom_id LIKE 'schedule:everywhere@%' "
      "ORDER BY custom_id");
  ASSERT_GE(customIds.size(), 4U) << a.log() << b.log();
  EXPECT_EQ(firesOf(a) + firesOf(b), static_cast<double>(customIds.size()))
      << "a fire was started by both nodes";
  // One fire a second, none missing.
  std::vector<std::int64_t> times;
  for (const std::string& customId : customIds) times.push_back(*fireTimeOfCustomId(customId));
  for (std::size_t i = 1; i < times.size(); ++i) EXPECT_EQ(times[i] - times[i - 1], 1'000);
}

}  // namespace
}  // namespace pledge::testing
