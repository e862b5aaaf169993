// Limits in a cluster (docs/operations.md "Limits", "Several nodes: each node enforces its
// share"): two nodes on one PostgreSQL each hand out at most ceil(maxRunning / 2) tasks of a
// limited actor at once, so the cluster may hold maxRunning + 1 when maxRunning is odd, and fewer
// than maxRunning when one node has no work; real concurrent workers polling both nodes never
// see more than a node's share on a node nor more than maxRunning in the cluster; once a node is
// killed -9 the survivor's share grows back to the whole limit, and every process completes.
// No timed assertion: counts and upper bounds.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"
#include "test_api.h"
#include "test_database.h"

namespace pledge::testing {
namespace {

constexpr int kPartitions = 64;
constexpr int kProcesses = 60;
// Processes the workers complete while both nodes live; the rest wait for the survivor.
constexpr int kBeforeKill = 30;
constexpr int kWorkersPerNode = 3;
const std::string kActor = "Slow#1.0";

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// How many tasks a set of workers holds at once, and the most it ever held.
struct Holding {
  std::atomic<int> now{0};
  std::atomic<int> peak{0};

  void take(int count) {
    const int held = now += count;
    int seen = peak.load();
    while (held > seen && !peak.compare_exchange_weak(seen, held)) {
    }
  }
  void give(int count) { now -= count; }
};

// Waits up to timeout for done(); false when it never held.
template <typename Done>
bool waitFor(Done done, seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return true;
}

// One entry of a node's own answer to GET path?scope=local (a queue or a limit) of kActor.
Json localEntryOf(ServerProcess& node, const std::string& path) {
  const Json items = HttpClient("127.0.0.1", node.port()).get(path + "?scope=local").json();
  for (const Json& item : items) {
    if (item.value("actor", "") == kActor && item.value("taskList", "") == "") return item;
  }
  return nullptr;
}

// The share of kActor's limit a node enforces now (node.maxRunning), -1 when it has no limit.
std::int64_t nodeShareOf(ServerProcess& node) {
  const Json limit = localEntryOf(node, "/api/v1/limits");
  return limit.is_object() ? limit["node"].value("maxRunning", std::int64_t{-1}) : -1;
}

// The sample of a metric of kActor's limit in a node's /metrics ("" when absent).
std::string limitSampleOf(ServerProcess& node, const std::string& metric) {
  const std::string text = HttpClient("127.0.0.1", node.port()).get("/metrics").body;
  const std::string name = metric + "{actor=\"" + kActor + "\",task_list=\"\"} ";
  const std::size_t at = text.find("\n" + name);
  if (at == std::string::npos) return "";
  const std::size_t from = at + 1 + name.size();
  return text.substr(from, text.find('\n', from) - from);
}

class LimitsCluster : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- a\n" << a_.log() << "---- b\n" << b_.log();
  }

  // Live leases per node name.
  int partitionsOf(const std::string& name) const {
    return std::stoi(database_
                         ->query("SELECT count(*) FROM partition_leases WHERE owner LIKE '" +
                                 name + "#%' AND expires_at > now()")
                         .front());
  }

  void setLimit(ServerProcess& node, int maxRunning) {
    const Json limit = {{"actor", kActor}, {"maxRunning", maxRunning}};
    ASSERT_EQ(HttpClient("127.0.0.1", node.port()).request("PUT", "/api/v1/limits", limit.dump())
                  .status,
              200);
  }

  // Releases each task with a value, counting the processes that completed.
  void complete(TestApi& api, const std::vector<PolledTask>& tasks) {
    for (const PolledTask& task : tasks) {
      if (api.releaseStatus(valueOf(task, 1)) == "accepted") ++completed_;
    }
  }

  // Workers on each node (kWorkersPerNode threads), each polling up to 2 tasks and holding them
  // a moment, until `until` processes completed in all. A worker counts a task from its poll's
  // answer to just before its release: a window inside the server's lease, so what it sees held
  // is at most what the server let run.
  void work(std::vector<ServerProcess*> nodes, int until) {
    const auto deadline = Clock::now() + seconds(60);
    std::vector<std::thread> workers;
    for (std::size_t n = 0; n < nodes.size(); ++n) {
      for (int w = 0; w < kWorkersPerNode; ++w) {
        workers.emplace_back([this, &nodes, n, until, deadline] {
          TestApi api(nodes[n]->port());
          Holding& node = nodes[n] == &a_ ? onA_ : onB_;
          while (completed_ < until && Clock::now() < deadline) {
            const std::vector<PolledTask> tasks = api.poll(kActor, 2, 200);
            const int count = static_cast<int>(tasks.size());
            node.take(count);
            cluster_.take(count);
            std::this_thread::sleep_for(milliseconds(50));
            node.give(count);
            cluster_.give(count);
            complete(api, tasks);
          }
        });
      }
    }
    for (std::thread& worker : workers) worker.join();
  }

  std::shared_ptr<TestDatabase> database_ = std::make_shared<TestDatabase>();
  ServerProcess a_{ServerOptions{.database = database_, .nodeName = "a"}};
  ServerProcess b_{ServerOptions{.database = database_, .nodeName = "b"}};
  Holding onA_;
  Holding onB_;
  Holding cluster_;
  std::atomic<int> completed_{0};
};

TEST_F(LimitsCluster, eachNodeRunsItsShareAndTheSurvivorOfAKillRunsTheWholeLimit) {
  ASSERT_TRUE(waitFor(
      [&] { return partitionsOf("a") + partitionsOf("b") == kPartitions &&
                   partitionsOf("a") > 0 && partitionsOf("b") > 0; },
      seconds(30)))
      << "the partitions did not spread over both nodes";

  // maxRunning 3 over two nodes: each enforces ceil(3 / 2) = 2, the cluster holds 4 = 3 + N - 1.
  setLimit(b_, 3);
  ASSERT_TRUE(waitFor([&] { return nodeShareOf(a_) == 2 && nodeShareOf(b_) == 2; }, seconds(10)))
      << "shares: a " << nodeShareOf(a_) << ", b " << nodeShareOf(b_);
  // A node starts a process in a partition of its own. With work on a only, b's share stays
  // unused: 2 run while a third waits on a, under maxRunning 3.
  TestApi onA(a_.port());
  TestApi onB(b_.port());
  std::vector<Uuid> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(onA.start(kActor, "start").processId);
  EXPECT_EQ(onB.poll(kActor, 10, 0).size(), 0U);
  std::vector<PolledTask> onlyOnA = onA.poll(kActor, 10, 0);
  EXPECT_EQ(onlyOnA.size(), 2U);
  EXPECT_EQ(localEntryOf(a_, "/api/v1/queues")["held"], 1);
  complete(onA, onlyOnA);
  // The rest are started half on each node.
  for (int i = 3; i < kProcesses; ++i) {
    ids.push_back((i % 2 == 0 ? onA : onB).start(kActor, "start").processId);
  }
  std::vector<PolledTask> heldOnA = onA.poll(kActor, 10, 0);
  std::vector<PolledTask> heldOnB = onB.poll(kActor, 10, 0);
  EXPECT_EQ(heldOnA.size(), 2U) << "a hands out its share of maxRunning 3, no more";
  EXPECT_EQ(heldOnB.size(), 2U) << "b hands out its share of maxRunning 3, no more";
  EXPECT_EQ(onA.poll(kActor, 10, 0).size(), 0U);
  EXPECT_EQ(onB.poll(kActor, 10, 0).size(), 0U);
  // Each node shows the limit on its queue, what runs against it there and what it holds back.
  for (ServerProcess* node : {&a_, &b_}) {
    const Json queue = localEntryOf(*node, "/api/v1/queues");
    ASSERT_TRUE(queue.is_object()) << "no queue of " << kActor << " on port " << node->port();
    EXPECT_EQ(queue["limit"]["maxRunning"], 3);
    EXPECT_EQ(queue["limit"]["node"]["maxRunning"], 2);
    EXPECT_EQ(queue["running"], 2);
    EXPECT_EQ(queue["held"], queue["ready"]) << "no room left: every ready task is held back";
    EXPECT_GT(queue["held"].get<int>(), 0);
    EXPECT_EQ(limitSampleOf(*node, "pledge_limit_max_running"), "2");
    EXPECT_EQ(limitSampleOf(*node, "pledge_tasks_running"), "2");
  }
  // The whole cluster's view sums the nodes: the documented overshoot, 4 running against 3.
  for (const Json& queue : onA.http().get("/api/v1/queues").json()) {
    if (queue["actor"] == kActor) {
      EXPECT_EQ(queue["limit"]["running"], 4) << queue.dump();
    }
  }
  complete(onA, heldOnA);
  complete(onB, heldOnB);

  // maxRunning 4: real workers on both nodes, three per node, each taking up to 2 at once.
  setLimit(b_, 4);
  ASSERT_TRUE(waitFor(
      [&] { return localEntryOf(a_, "/api/v1/limits").value("maxRunning", 0) == 4; }, seconds(10)))
      << "a did not pick up the limit b stored";
  work({&a_, &b_}, kBeforeKill);
  EXPECT_GE(completed_.load(), kBeforeKill);
  EXPECT_LE(onA_.peak.load(), 2) << "a ran more than its share ceil(4 / 2)";
  EXPECT_LE(onB_.peak.load(), 2) << "b ran more than its share ceil(4 / 2)";
  EXPECT_LE(cluster_.peak.load(), 4) << "the cluster ran more than maxRunning";
  // Each node's workers could take 6 at once: the share, not the workers, bounded them.
  EXPECT_EQ(onA_.peak.load(), 2);
  EXPECT_EQ(onB_.peak.load(), 2);
  std::cerr << "peaks with both nodes: a " << onA_.peak << ", b " << onB_.peak << ", cluster "
            << cluster_.peak << " (maxRunning 4)\n";

  // b dies: once a holds every partition and counts one live node, its share is the whole limit.
  b_.stop(SIGKILL);
  ASSERT_TRUE(waitFor([&] { return partitionsOf("a") == kPartitions && nodeShareOf(a_) == 4; },
                      seconds(30)))
      << "a owns " << partitionsOf("a") << " partitions, enforces " << nodeShareOf(a_);
  std::vector<PolledTask> alone = onA.poll(kActor, 10, 0);
  EXPECT_EQ(alone.size(), 4U) << "the survivor hands out the whole maxRunning";
  EXPECT_EQ(onA.poll(kActor, 10, 0).size(), 0U);
  EXPECT_EQ(limitSampleOf(a_, "pledge_limit_max_running"), "4");
  complete(onA, alone);
  onA_.peak = 0;
  work({&a_}, kProcesses);
  EXPECT_EQ(completed_.load(), kProcesses);
  EXPECT_LE(onA_.peak.load(), 4) << "a alone ran more than maxRunning";
  std::cerr << "peak on a alone: " << onA_.peak << " (maxRunning 4)\n";
  for (const Uuid& id : ids) {
    EXPECT_EQ(onA.awaitResult(id, 10'000).state, ProcessState::Completed) << id.toString();
  }
}

}  // namespace
}  // namespace pledge::testing
