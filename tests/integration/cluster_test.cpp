// Several pledge-server nodes on one PostgreSQL (the tests' private cluster): partitions spread
// over the nodes, requests forwarded to owners, a killed node's partitions taken over, a joining
// node given its share. Real server and bootstrap processes on loopback.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "bootstrap_process.h"
#include "http_client.h"
#include "pledge/rest_client.h"
#include "server_process.h"
#include "test_api.h"
#include "test_database.h"

namespace pledge::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kPartitions = 64;

// A start of actor's "start" method under a custom id (so it lands in a known partition).
StartRequest startWithCustomId(const std::string& actor, Json args, const std::string& customId) {
  return StartRequest{.actor = actor,
                      .method = "start",
                      .args = std::move(args),
                      .options = {.customId = customId}};
}

// The value of the Prometheus sample line of text that starts with prefix, or 0.
double metricOf(const std::string& text, const std::string& prefix) {
  const std::size_t at = text.find("\n" + prefix);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + 1 + prefix.size()));
}

// A fresh database and up to three nodes on it.
class Cluster : public ::testing::Test {
 protected:
  ServerProcess& addNode(const std::string& name) {
    nodes_.push_back(
        std::make_unique<ServerProcess>(ServerOptions{.database = database_, .nodeName = name}));
    return *nodes_.back();
  }

  std::vector<std::string> urls() const {
    std::vector<std::string> urls;
    for (const auto& node : nodes_) urls.push_back(node->url());
    return urls;
  }

  // Partitions per node name as the store's leases say (live ones only).
  std::map<std::string, int> ownership() const {
    std::map<std::string, int> owners;
    for (const std::string& row :
         database_->query("SELECT split_part(owner, '#', 1), count(*) FROM partition_leases WHERE "
                          "owner IS NOT NULL AND "
                          "expires_at > now() GROUP BY 1")) {
      auto tab = row.find('\t');
      owners[row.substr(0, tab)] = std::stoi(row.substr(tab + 1));
    }
    return owners;
  }

  // Waits until every named node owns its share of the partitions.
  void waitBalanced(const std::vector<std::string>& names, seconds timeout = seconds(30)) {
    const int share =
        (kPartitions + static_cast<int>(names.size()) - 1) / static_cast<int>(names.size());
    const auto deadline = Clock::now() + timeout;
    std::map<std::string, int> owners;
    while (Clock::now() < deadline) {
      owners = ownership();
      int total = 0;
      bool even = true;
      for (const std::string& name : names) {
        total += owners[name];
        // Each takes up to ceil(64 / n); the last one to ask gets the rest.
        even = even && owners[name] >= kPartitions / static_cast<int>(names.size()) - 2 &&
               owners[name] <= share;
      }
      if (total == kPartitions && even) return;
      std::this_thread::sleep_for(milliseconds(100));
    }
    std::string seen;
    for (const auto& [name, count] : owners) seen += fmt::format(" {}={}", name, count);
    FAIL() << "partitions not balanced over " << names.size()
           << " nodes within the timeout:" << seen;
  }

  // An actors.yaml running the notification example and the fanout benchmark actors.
  std::string writeActorsYaml(int pollWaitMs = 500) {
    static int made = 0;
    const std::string path = fmt::format("/tmp/pledge-cluster-actors-{}-{}.yaml", getpid(), made++);
    std::ofstream yaml(path);
    yaml << "servers: [\"http://127.0.0.1:1\"]\n"
         << "plugins: [\"" << buildBinary("examples/notification/libnotification_actors.so")
         << "\", \"" << buildBinary("bench/actors/libbench_actors.so") << "\"]\n"
         << "actors:\n";
    for (const char* actor :
         {"NotificationDecider#1.0", "UserProfileService#1.0", "MailService#1.0", "SMSService#1.0",
          "Fanout#1.0", "Fan#1.0", "Chain#1.0", "Adder#1.0"}) {
      yaml << "  - {actor: \"" << actor << "\", threads: 2, pollBatch: 16}\n";
    }
    yaml << "log: {level: warn}\npoll: {waitMs: " << pollWaitMs << "}\n";
    return path;
  }

  std::int64_t countProcesses(const std::string& where) const {
    return std::stoll(database_->query("SELECT count(*) FROM processes WHERE " + where).front());
  }

  // Waits until `expected` processes have completed; fails naming how many did.
  void waitCompleted(std::int64_t expected, seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::int64_t completed = 0;
    while (Clock::now() < deadline) {
      completed = countProcesses("state = 1");
      if (completed >= expected) return;
      std::this_thread::sleep_for(milliseconds(200));
    }
    FAIL() << completed << " of " << expected << " processes completed within the timeout; states: "
           << fmt::format(
                  "{}",
                  fmt::join(database_->query("SELECT state, count(*) FROM processes GROUP BY 1"),
                            "; "));
  }

  // Every partition's tenures follow one another: none starts before the previous one ended.
  void expectNoPartitionHadTwoOwnersAtOnce() {
    std::map<int, std::vector<std::tuple<std::int64_t, std::int64_t, std::optional<std::int64_t>,
                                         std::string>>>
        tenures;
    for (const std::string& row : database_->query(
             "SELECT partition, epoch, (extract(epoch FROM acquired_at) * 1000000)::bigint, "
             "(extract(epoch FROM ended_at) * 1000000)::bigint, owner FROM lease_history ORDER BY "
             "partition, epoch")) {
      std::istringstream fields(row);
      std::string partition, epoch, acquired, ended, owner;
      std::getline(fields, partition, '\t');
      std::getline(fields, epoch, '\t');
      std::getline(fields, acquired, '\t');
      std::getline(fields, ended, '\t');
      std::getline(fields, owner, '\t');
      tenures[std::stoi(partition)].emplace_back(
          std::stoll(epoch), std::stoll(acquired),
          ended == "NULL" ? std::nullopt : std::optional(std::stoll(ended)), owner);
    }
    ASSERT_EQ(tenures.size(), static_cast<std::size_t>(kPartitions));
    for (const auto& [partition, list] : tenures) {
      for (std::size_t i = 1; i < list.size(); ++i) {
        const auto& [epoch, acquired, ended, owner] = list[i - 1];
        ASSERT_TRUE(ended.has_value())
            << "partition " << partition << ": " << owner << " (epoch " << epoch
            << ") never ended but " << std::get<3>(list[i]) << " took over";
        EXPECT_LE(*ended, std::get<1>(list[i]))
            << "partition " << partition << ": " << std::get<3>(list[i]) << " took over before "
            << owner << "'s lease ended";
      }
    }
  }

  // Fresh nodes started together and loaded at once (their partitions still moving between
  // them, routes stale for a tick): chain and fanout processes all finish in seconds, with the
  // right results, and no task waits out a lease (the lost leases of issue 18 took 61 s).
  void burstOnFreshNodes(int count) {
    for (int i = 0; i < count; ++i) addNode(std::string(1, static_cast<char>('a' + i)));
    BootstrapProcess workers(writeActorsYaml(), urls());
    RestClient client(urls());
    constexpr int kEach = 300;
    const auto started = Clock::now();
    std::vector<StartRequest> batch;
    for (int i = 0; i < kEach; ++i) {
      batch.push_back(
          StartRequest{.actor = "Chain#1.0", .method = "start", .args = Json::array({i})});
      batch.push_back(
          StartRequest{.actor = "Fanout#1.0", .method = "start", .args = Json::array({i})});
    }
    std::vector<std::pair<Uuid, std::int64_t>> expected;
    for (std::size_t first = 0; first < batch.size(); first += 200) {
      std::vector<StartRequest> part(
          batch.begin() + static_cast<long>(first),
          batch.begin() + static_cast<long>(std::min(first + 200, batch.size())));
      std::vector<Result<StartedProcess>> results = client.startMany(part);
      for (std::size_t k = 0; k < results.size(); ++k) {
        ASSERT_TRUE(results[k].ok()) << results[k].error().message();
        const std::int64_t i = part[k].args[0].get<std::int64_t>();
        expected.emplace_back(results[k].value().processId,
                              part[k].actor == "Chain#1.0" ? i + 3 : 10 * (i + 1));
      }
    }
    for (const auto& [id, result] : expected) {
      ProcessInfo info = client.waitResult(id, seconds(30));
      ASSERT_EQ(info.state, ProcessState::Completed) << id.toString();
      EXPECT_EQ(info.result, Json(result));
    }
    const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    EXPECT_LT(took, seconds(20)) << 2 * kEach << " processes on " << count << " fresh nodes took "
                                 << took.count() << " ms; a lease is 60 s";
    std::cout << 2 * kEach << " processes on " << count << " fresh nodes: " << took.count()
              << " ms\n";
    for (const auto& node : nodes_) {
      HttpClient http("127.0.0.1", node->port());
      const std::string metrics = http.get("/metrics").body;
      EXPECT_EQ(metricOf(metrics, "pledge_tasks_total{event=\"failed\"} "), 0)
          << "a task failed an attempt (a lease ran out) on a node";
    }
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (const auto& node : nodes_) std::cerr << "---- node log\n" << node->log();
  }

  std::shared_ptr<TestDatabase> database_ = std::make_shared<TestDatabase>();
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

TEST_F(Cluster, nodesSharePartitionsAndForwardRequestsToTheOwner) {
  addNode("a");
  addNode("b");
  addNode("c");
  waitBalanced({"a", "b", "c"});

  RestClient clientOfA({nodes_[0]->url()});
  // Each node's view of the leases follows the store within a tick.
  int listed = 0;
  for (int attempt = 0; attempt < 30 && listed != kPartitions; ++attempt) {
    std::this_thread::sleep_for(milliseconds(100));
    Json cluster = clientOfA.cluster();
    ASSERT_EQ(cluster.at("nodes").size(), 3u);
    listed = 0;
    for (const Json& node : cluster.at("nodes"))
      listed += static_cast<int>(node.at("partitions").size());
  }
  EXPECT_EQ(listed, kPartitions);

  // Starts with customIds land on the owner of their partition whichever node they reach; the
  // process is readable, abortable and its result awaitable through every node.
  std::vector<StartedProcess> started;
  for (int i = 0; i < 30; ++i) {
    RestClient via({nodes_[static_cast<std::size_t>(i) % 3]->url()});
    started.push_back(
        via.start(startWithCustomId("Nobody#1.0", Json::array({i}), fmt::format("order-{}", i))));
  }
  for (int i = 0; i < 30; ++i) {
    RestClient via({nodes_[static_cast<std::size_t>(i + 1) % 3]->url()});
    StartedProcess repeated =
        via.start(startWithCustomId("Nobody#1.0", Json::array({i}), fmt::format("order-{}", i)));
    EXPECT_TRUE(repeated.existing);
    EXPECT_EQ(repeated.processId, started[static_cast<std::size_t>(i)].processId);
    EXPECT_EQ(via.process(repeated.processId).state, ProcessState::Running);
  }
  RestClient viaC({nodes_[2]->url()});
  ProcessInfo aborted = viaC.abort(started[0].processId);
  EXPECT_EQ(aborted.state, ProcessState::Aborted);
  EXPECT_EQ(RestClient({nodes_[1]->url()}).waitResult(started[0].processId, seconds(5)).state,
            ProcessState::Aborted);
  EXPECT_EQ(countProcesses("true"), 30);

  // Queues add up over the nodes.
  std::int64_t ready = 0;
  for (const Json& queue : clientOfA.queues()) ready += queue.at("ready").get<std::int64_t>();
  EXPECT_EQ(ready, 29);

  // A worker polling every node gets every task, and its releases reach the owners: sent to a
  // node that is not the owner (raw HTTP), the node forwards them; sent by a RestClient that
  // knows the cluster's routes, they go straight to the owner and nothing is forwarded.
  auto forwardedReleases = [&] {
    double sum = 0;
    for (const std::string& url : urls())
      sum += metricOf(RestClient({url}).getText("/metrics"),
                      "pledge_forwarded_requests_total{kind=\"release\"} ");
    return sum;
  };
  RestClient routed(urls());
  std::set<Uuid> seen;
  double forwardedBefore = 0;
  for (int round = 0; round < 20 && seen.size() < 29; ++round) {
    for (std::size_t owner = 0; owner < nodes_.size(); ++owner) {
      RestClient node({nodes_[owner]->url()});
      for (const PolledTask& task : node.poll({{"Nobody#1.0", ""}}, 8, milliseconds(0))) {
        seen.insert(task.taskId);
        Decision decision;
        decision.taskId = task.taskId;
        decision.processId = task.processId;
        decision.attempt = task.attempt;
        decision.result = "ok";
        if (seen.size() <= 15) {
          // Released through another node than the one that handed it out.
          EXPECT_EQ(TestApi(nodes_[(owner + 1) % 3]->port()).releaseStatus(decision), "accepted");
          forwardedBefore = forwardedReleases();
        } else {
          std::vector<ReleaseOutcome> outcome = routed.release({decision});
          ASSERT_EQ(outcome.size(), 1u);
          EXPECT_EQ(outcome[0].status, ReleaseStatus::Accepted)
              << (outcome[0].error ? outcome[0].error->message() : "");
        }
      }
    }
  }
  EXPECT_EQ(forwardedBefore, 15) << "each release reached a node that did not own its process";
  EXPECT_EQ(forwardedReleases(), forwardedBefore) << "the routed client's releases were forwarded";
  EXPECT_EQ(seen.size(), 29u);
  waitCompleted(29, seconds(20));
}

// A routed client's release of more decisions than one request may carry, for processes of
// both nodes (a runner's batch can be that large): it goes out in several requests, one owner
// each, and every result answers its own decision, in the order given.
TEST_F(Cluster, aReleaseLargerThanOneRequestReachesEveryOwnerAndAnswersInOrder) {
  addNode("a");
  addNode("b");
  waitBalanced({"a", "b"});
  RestClient routed(urls());
  const StartRequest start{.actor = "Nobody#1.0", .method = "start", .args = Json::array({1})};
  for (int batch = 0; batch < 4; ++batch) {
    for (const auto& started : routed.startMany(std::vector<StartRequest>(600, start))) {
      ASSERT_TRUE(started.ok());
    }
  }
  std::vector<PolledTask> tasks;
  for (int round = 0; round < 50 && tasks.size() < 2'400; ++round) {
    for (const std::string& url : urls()) {
      std::vector<PolledTask> polled =
          RestClient({url}).poll({{"Nobody#1.0", ""}}, 1'000, milliseconds(0));
      tasks.insert(tasks.end(), polled.begin(), polled.end());
    }
  }
  ASSERT_EQ(tasks.size(), 2'400u);
  // The owners' tasks mixed (each owner has more than one request may carry).
  std::shuffle(tasks.begin(), tasks.end(), std::mt19937(5));
  std::vector<Decision> decisions;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    Decision decision;
    decision.taskId = tasks[i].taskId;
    decision.processId = tasks[i].processId;
    // Every 97th names an attempt that never ran: refused, the others taken.
    decision.attempt = tasks[i].attempt + (i % 97 == 0 ? 5 : 0);
    decision.result = "ok";
    decisions.push_back(decision);
  }
  const std::vector<ReleaseOutcome> outcomes = routed.release(decisions);
  ASSERT_EQ(outcomes.size(), decisions.size());
  int refused = 0;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    ASSERT_EQ(outcomes[i].taskId, decisions[i].taskId) << "result " << i;
    if (i % 97 == 0) {
      EXPECT_EQ(outcomes[i].status, ReleaseStatus::Rejected) << "result " << i;
      ++refused;
    } else {
      EXPECT_EQ(outcomes[i].status, ReleaseStatus::Accepted)
          << "result " << i << ": " << (outcomes[i].error ? outcomes[i].error->message() : "");
    }
  }
  waitCompleted(2'400 - refused, seconds(30));
}

// Nodes with tokens: every node lists the same tokens and forwards with its node token; a
// forwarded request keeps its caller's role at the owner; a node with tokens but no node token
// refuses to start.
// Workflows in a cluster (docs/workflows.md): a definition registered on one node is run by
// every node, each running the steps of the processes it owns; events sent to any node reach
// them.
TEST_F(Cluster, workflowsRunOnTheNodeThatOwnsTheirProcess) {
  addNode("a");
  addNode("b");
  waitBalanced({"a", "b"});
  RestClient clientOfA({nodes_[0]->url()});
  clientOfA.registerWorkflow(parseJson(R"({
    "name": "double", "inputParameters": ["x", "key"],
    "tasks": [
      {"name": "twice", "taskReferenceName": "twice", "type": "INLINE",
       "inputParameters": {"evaluatorType": "javascript", "expression": "$.x * 2",
                           "x": "${workflow.input.x}"}},
      {"name": "go", "taskReferenceName": "go", "type": "WAIT",
       "inputParameters": {"event": "go", "key": "${workflow.input.key}"}}],
    "outputParameters": {"twice": "${twice.output.result}", "plus": "${go.output}"}})"));
  RestClient both(urls());
  constexpr int kWorkflows = 40;
  std::vector<StartRequest> starts;
  for (int i = 0; i < kWorkflows; ++i) {
    starts.push_back(StartRequest{.actor = "workflow:double#1",
                                  .method = "execute",
                                  .args = Json::array({Json{{"x", i}, {"key", fmt::format("k{}", i)}}}),
                                  .options = {.customId = fmt::format("wf-{}", i)}});
  }
  std::vector<Uuid> ids;
  for (const Result<StartedProcess>& started : both.startMany(starts)) {
    ASSERT_TRUE(started.ok()) << started.error().message();
    ids.push_back(started.value().processId);
  }
  for (int i = 0; i < kWorkflows; ++i) {
    clientOfA.sendEvent(Event{.name = "go", .key = fmt::format("k{}", i), .payload = 1000});
  }
  for (int i = 0; i < kWorkflows; ++i) {
    ProcessInfo done = both.waitResult(ids[static_cast<std::size_t>(i)], seconds(30));
    ASSERT_EQ(done.state, ProcessState::Completed) << "workflow " << i;
    EXPECT_EQ(done.result, (Json{{"twice", 2 * i}, {"plus", 1000}}));
  }
  // Both nodes learned the definition (registered on a) and poll its steps on their engine.
  for (const auto& node : nodes_) {
    HttpClient http("127.0.0.1", node->port());
    Json actors = http.get("/api/v1/actors?scope=local").json();
    bool stepped = false;
    for (const Json& actor : actors) stepped = stepped || actor["actor"] == "workflow:double#1";
    EXPECT_TRUE(stepped) << "node " << node->url() << " polls no step";
  }
}

TEST_F(Cluster, nodesWithTokensForwardWithTheirNodeTokenAndKeepTheCallersRole) {
  const MadeToken node = makeToken("admin", "nodes");
  const MadeToken starter = makeToken("starter", "starter-1");
  const MadeToken viewer = makeToken("viewer", "viewer-1");
  const std::string tokens = "tokens:\n" + node.entry + starter.entry + viewer.entry;
  const std::string config = fmt::format("/tmp/pledge-cluster-tokens-{}.yaml", getpid());
  std::ofstream(config) << tokens << "node-token: " << node.secret << "\n";
  for (const char* name : {"a", "b"}) {
    nodes_.push_back(std::make_unique<ServerProcess>(ServerOptions{
        .extraArgs = {"--config", config}, .database = database_, .nodeName = name}));
  }
  waitBalanced({"a", "b"});

  RestClientOptions asStarter;
  asStarter.token = starter.secret;
  std::vector<StartedProcess> started;
  for (int i = 0; i < 20; ++i) {
    RestClient via({nodes_[static_cast<std::size_t>(i) % 2]->url()}, asStarter);
    started.push_back(
        via.start(startWithCustomId("Nobody#1.0", Json::array({i}), fmt::format("t-{}", i))));
    EXPECT_EQ(via.process(started.back().processId).state, ProcessState::Running);
  }
  double forwarded = 0;
  for (const std::string& url : urls()) {
    RestClientOptions asNode;
    asNode.token = node.secret;
    forwarded += metricOf(RestClient({url}, asNode).getText("/metrics"),
                          "pledge_forwarded_requests_total{kind=\"process\"} ");
  }
  EXPECT_GT(forwarded, 0) << "no start reached a node that did not own its process";

  // A viewer may read through either node but not abort, also where the request is forwarded.
  for (std::size_t n = 0; n < 2; ++n) {
    HttpClient raw("127.0.0.1", nodes_[n]->port());
    raw.setHeader("Authorization", "Bearer " + viewer.secret);
    for (const StartedProcess& process : started) {
      const std::string path = "/api/v1/processes/" + process.processId.toString();
      EXPECT_EQ(raw.get(path).status, 200);
      EXPECT_EQ(raw.post(path + "/abort", "").status, 403);
    }
    EXPECT_EQ(raw.get("/api/v1/queues").json().at(0).at("ready"), 20) << "summed over both nodes";
  }
  std::remove(config.c_str());

  std::ofstream(config) << tokens;
  auto [status, output] = runServerCommand(
      {"--config", config, "--store", database_->url(), "--port", "0", "--node-name", "c"});
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("node-token: a cluster node with tokens needs one"), std::string::npos)
      << output;
  std::remove(config.c_str());
}

TEST_F(Cluster, aKilledNodesPartitionsAreTakenOverAndEveryProcessCompletes) {
  addNode("a");
  addNode("b");
  addNode("c");
  waitBalanced({"a", "b", "c"});
  const std::string yaml = writeActorsYaml();
  BootstrapProcess runner1(yaml, urls());
  BootstrapProcess runner2(yaml, urls());

  constexpr int kEach = 1000;
  RestClient client(urls());
  for (int offset = 0; offset < kEach; offset += 200) {
    std::vector<StartRequest> batch;
    for (int i = offset; i < offset + 200; ++i) {
      batch.push_back(startWithCustomId("NotificationDecider#1.0",
                                        Json::array({fmt::format("user-{}", i), "hello"}),
                                        fmt::format("notify-{}", i)));
      batch.push_back(
          startWithCustomId("Fanout#1.0", Json::array({i}), fmt::format("fanout-{}", i)));
    }
    for (const Result<StartedProcess>& started : client.startMany(batch)) {
      ASSERT_TRUE(started.ok()) << started.error().message();
    }
  }

  // Mid-run: some done, most not.
  const auto deadline = Clock::now() + seconds(60);
  while (countProcesses("state = 1") < 2 * kEach / 10 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  const std::int64_t doneAtKill = countProcesses("state = 1");
  ASSERT_LT(doneAtKill, 2 * kEach) << "the run finished before the kill; nothing was tested";
  nodes_[1]->stop(SIGKILL);

  waitCompleted(2 * kEach, seconds(240));
  waitBalanced({"a", "c"});
  EXPECT_EQ(countProcesses("true"), 2 * kEach);
  EXPECT_EQ(countProcesses("state <> 1"), 0);
  // Fanout results: 10 * (i + 1).
  for (const std::string& row : database_->query(
           "SELECT custom_id, result FROM processes WHERE custom_id LIKE 'fanout-%'")) {
    const auto tab = row.find('\t');
    const int i = std::stoi(row.substr(std::string("fanout-").size(), tab));
    EXPECT_EQ(row.substr(tab + 1), std::to_string(10 * (i + 1))) << row;
  }
  // Notification: every process fetched its user's profile exactly once to completion.
  const std::vector<std::string> notified =
      database_->query("SELECT id FROM processes WHERE custom_id LIKE 'notify-%'");
  ASSERT_EQ(notified.size(), static_cast<std::size_t>(kEach));
  for (const std::string& id : notified) {
    int fetched = 0;
    for (const Json& task : client.processTasks(*Uuid::parse(id))) {
      if (task.at("actor") == "UserProfileService#1.0" && task.at("method") == "get" &&
          task.at("state") == "completed") {
        ++fetched;
      }
    }
    EXPECT_EQ(fetched, 1) << "process " << id;
  }
  expectNoPartitionHadTwoOwnersAtOnce();
  // b's partitions moved within 10 s of its leases' expiry.
  for (const std::string& row :
       database_->query("SELECT h.partition, extract(epoch FROM (n.acquired_at - h.ended_at)) FROM "
                        "lease_history h JOIN "
                        "lease_history n ON n.partition = h.partition AND n.epoch = h.epoch + 1 "
                        "WHERE h.owner LIKE 'b#%'")) {
    const double gap = std::stod(row.substr(row.find('\t') + 1));
    EXPECT_LT(gap, 10.0) << "partition " << row.substr(0, row.find('\t')) << " waited " << gap
                         << " s";
  }
  std::filesystem::remove(yaml);
  std::cerr << "completed at the kill: " << doneAtKill << " of " << 2 * kEach << "\n";
}

TEST_F(Cluster, aJoiningNodeReceivesPartitionsAndServesTasks) {
  addNode("a");
  waitBalanced({"a"});
  const std::string yaml = writeActorsYaml();
  BootstrapProcess runner(yaml, urls());
  RestClient client(urls());

  // Starts keep coming while b joins.
  std::atomic<bool> stop{false};
  std::atomic<int> startedCount{0};
  std::thread starter([&] {
    for (int round = 0; !stop && round < 200; ++round) {
      std::vector<StartRequest> batch;
      for (int k = 0; k < 20; ++k) {
        const int i = round * 20 + k;
        batch.push_back(
            startWithCustomId("Chain#1.0", Json::array({i}), fmt::format("chain-{}", i)));
      }
      try {
        for (const auto& result : client.startMany(batch)) startedCount += result.ok() ? 1 : 0;
      } catch (const Error&) {
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
  });
  std::this_thread::sleep_for(seconds(2));
  ServerProcess& b = addNode("b");
  waitBalanced({"a", "b"});
  // b hands out tasks: workers learn it from the cluster listing.
  const auto deadline = Clock::now() + seconds(30);
  double handedOutByB = 0;
  while (Clock::now() < deadline && handedOutByB == 0) {
    std::string metrics = RestClient({b.url()}).getText("/metrics");
    const std::string sample = "pledge_tasks_total{event=\"handed_out\"} ";
    auto at = metrics.find(sample);
    if (at != std::string::npos) handedOutByB = std::stod(metrics.substr(at + sample.size()));
    std::this_thread::sleep_for(milliseconds(200));
  }
  stop = true;
  starter.join();
  EXPECT_GT(handedOutByB, 0) << "the joined node handed out no task";
  waitCompleted(startedCount, seconds(120));
  for (const std::string& row :
       database_->query("SELECT custom_id, result FROM processes WHERE custom_id LIKE 'chain-%'")) {
    const auto tab = row.find('\t');
    const int i = std::stoi(row.substr(std::string("chain-").size(), tab));
    EXPECT_EQ(row.substr(tab + 1), std::to_string(i + 3)) << row;
  }
  expectNoPartitionHadTwoOwnersAtOnce();
  std::filesystem::remove(yaml);
}

TEST_F(Cluster, aNodeThatLosesALeaseStopsServingThatPartitionAtOnce) {
  ServerProcess& a = addNode("a");
  waitBalanced({"a"});
  // Another owner takes partition 5 (as after a long pause of a): a must drop it.
  database_->query(
      "UPDATE partition_leases SET owner = 'thief#1', epoch = epoch + 1, expires_at = now() + "
      "interval '1 hour' "
      "WHERE partition = 5");
  // A start whose customId hashes to partition 5 is no longer taken by a.
  auto partitionOf = [](const std::string& customId) {
    std::uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : customId) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    return static_cast<int>(hash % kPartitions);
  };
  std::string inFive;
  for (int i = 0; inFive.empty(); ++i) {
    if (partitionOf(fmt::format("k-{}", i)) == 5) inFive = fmt::format("k-{}", i);
  }
  HttpClient http("127.0.0.1", a.port());
  const std::string body =
      fmt::format(R"({{"actor":"D#1","method":"start","args":[],"customId":"{}"}})", inFive);
  const auto deadline = Clock::now() + seconds(5);
  HttpResult answer;
  do {
    std::this_thread::sleep_for(milliseconds(100));
    answer = http.post("/api/v1/processes", body);
  } while (answer.status != 503 && Clock::now() < deadline);
  EXPECT_EQ(answer.status, 503) << answer.body;
  EXPECT_TRUE(answer.body.find("partition 5 ") != std::string::npos ||
              answer.body.find("partition(s) 5;") != std::string::npos)
      << answer.body;
  EXPECT_EQ(countProcesses("true"), 0) << "nothing was written to a partition a no longer holds";
  // The rest is served again at once (after a refused commit the node reloads what it holds).
  std::string other;
  for (int i = 0; other.empty(); ++i) {
    if (partitionOf(fmt::format("o-{}", i)) != 5) other = fmt::format("o-{}", i);
  }
  const auto until = Clock::now() + seconds(5);
  int status = 0;
  do {
    status =
        http.post("/api/v1/processes",
                  fmt::format(R"({{"actor":"D#1","method":"start","args":[],"customId":"{}"}})",
                              other))
            .status;
    if (status != 201) std::this_thread::sleep_for(milliseconds(100));
  } while (status != 201 && Clock::now() < until);
  EXPECT_EQ(status, 201);
}

TEST_F(Cluster, processesOnTwoFreshNodesFinishInSecondsNotAfterALease) { burstOnFreshNodes(2); }

TEST_F(Cluster, processesOnThreeFreshNodesFinishInSecondsNotAfterALease) { burstOnFreshNodes(3); }

// A runner long-polls every node at once: a task ready on one node reaches it at once, however
// long its polls wait (5 s here), wherever the process lives.
TEST_F(Cluster, aTaskReadyOnAnyNodeReachesAnIdleRunnerAtOnce) {
  addNode("a");
  addNode("b");
  waitBalanced({"a", "b"});
  BootstrapProcess workers(writeActorsYaml(/*pollWaitMs=*/5'000), urls());
  RestClient client(urls());
  // Let the runner settle into its long polls.
  ASSERT_EQ(client.waitResult(client.start(StartRequest{.actor = "Chain#1.0", .method = "start",
                                                        .args = Json::array({0})}).processId,
                              seconds(30)).state,
            ProcessState::Completed);
  std::this_thread::sleep_for(milliseconds(300));
  milliseconds slowest{0};
  for (int i = 0; i < 16; ++i) {
    const auto started = Clock::now();
    // Each process in its own partition: half of them live on the node a runner's poll does not
    // wait on first.
    StartedProcess process =
        client.start(startWithCustomId("Chain#1.0", Json::array({i}), fmt::format("prompt-{}", i)));
    ProcessInfo info = client.waitResult(process.processId, seconds(30));
    ASSERT_EQ(info.state, ProcessState::Completed);
    EXPECT_EQ(info.result, Json(i + 3));
    slowest = std::max(slowest, std::chrono::duration_cast<milliseconds>(Clock::now() - started));
  }
  EXPECT_LT(slowest, milliseconds(1'500)) << "a chain of 3 steps waited for a poll of another node";
  std::cout << "slowest of 16 chains (3 steps each, idle runner, 5 s polls): " << slowest.count()
            << " ms\n";
}

// A decider played by the test: each "Waiter#1" process waits for the event "ready" keyed by
// its first argument and completes with the payload.
class EventDecider {
 public:
  explicit EventDecider(std::vector<std::string> urls)
      : client_(std::move(urls)), thread_([this] { run(); }) {}
  ~EventDecider() {
    stop_ = true;
    thread_.join();
  }

 private:
  void run() {
    while (!stop_) {
      std::vector<PolledTask> tasks;
      try {
        tasks = client_.poll({{"Waiter#1", ""}}, 32, milliseconds(200));
      } catch (const std::exception&) {
        std::this_thread::sleep_for(milliseconds(50));  // a node died: the others answer
        continue;
      }
      std::vector<Decision> decisions;
      for (const PolledTask& task : tasks) {
        TaskSpec wait{.taskId = Uuid::random(),
                      .actor = "Waiter#1",
                      .method = "ready",
                      .type = TaskType::Event,
                      .args = {ArgSpec::ofValue(resolvedJson(task.args.at(0)))}};
        decisions.push_back(Decision{.taskId = task.taskId,
                                     .processId = task.processId,
                                     .attempt = task.attempt,
                                     .promise = wait.taskId,
                                     .tasks = {wait}});
      }
      while (!decisions.empty() && !stop_) {
        try {
          client_.release(decisions);
          break;
        } catch (const std::exception&) {
          std::this_thread::sleep_for(milliseconds(50));
        }
      }
    }
  }
  static Json resolvedJson(const ArgValue& arg) { return arg.value; }

  RestClient client_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Events on two nodes sharing PostgreSQL (docs/events.md): an event sent to either node reaches
// a waiter whose process the other node owns, an early event is kept for a waiter created later
// on any node, and after a node is killed its waiters are served by the survivor with no event
// lost.
TEST_F(Cluster, eventsMeetTheirWaitersOnAnyNodeAndSurviveANodesDeath) {
  addNode("a");
  addNode("b");
  waitBalanced({"a", "b"});
  RestClient client(urls());
  EventDecider decider(urls());
  auto send = [&](std::size_t node, const std::string& key, int payload) {
    HttpClient http("127.0.0.1", nodes_[node]->port());
    HttpResult answer = http.post(
        "/api/v1/events", Json{{"name", "ready"}, {"key", key}, {"payload", payload}}.dump());
    EXPECT_EQ(answer.status, 200) << answer.body;
    return parseJson(answer.body);
  };
  auto startWaiter = [&](const std::string& key) {
    return client.start(startWithCustomId("Waiter#1", Json::array({key}), key)).processId;
  };
  auto waitListening = [&](const Uuid& process) {
    const auto deadline = Clock::now() + seconds(20);
    while (Clock::now() < deadline) {
      for (const Json& task : client.processTasks(process)) {
        if (task["state"] == "listening") return;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    FAIL() << "process " << process.toString() << " never listened";
  };
  constexpr int kEach = 24;
  // Waiters first, events sent to alternating nodes.
  std::vector<Uuid> first;
  for (int i = 0; i < kEach; ++i) first.push_back(startWaiter(fmt::format("late-{}", i)));
  for (const Uuid& process : first) waitListening(process);
  for (int i = 0; i < kEach; ++i) {
    EXPECT_EQ(send(i % 2, fmt::format("late-{}", i), i)["resolved"], 1);
  }
  // Events first (kept), waiters later.
  for (int i = 0; i < kEach; ++i) {
    EXPECT_EQ(send(i % 2, fmt::format("early-{}", i), 100 + i)["kept"], true);
  }
  std::vector<Uuid> second;
  for (int i = 0; i < kEach; ++i) second.push_back(startWaiter(fmt::format("early-{}", i)));
  for (int i = 0; i < kEach; ++i) {
    ProcessInfo info = client.waitResult(first[i], seconds(30));
    ASSERT_EQ(info.state, ProcessState::Completed) << info.processId.toString();
    EXPECT_EQ(info.result, Json(i));
    info = client.waitResult(second[i], seconds(30));
    ASSERT_EQ(info.state, ProcessState::Completed) << info.processId.toString();
    EXPECT_EQ(info.result, Json(100 + i));
  }
  // Waiters on both nodes; b dies; the events go to a; every waiter gets its own.
  std::vector<Uuid> third;
  for (int i = 0; i < kEach; ++i) third.push_back(startWaiter(fmt::format("kill-{}", i)));
  for (const Uuid& process : third) waitListening(process);
  nodes_[1]->stop(SIGKILL);
  for (int i = 0; i < kEach; ++i) {
    EXPECT_EQ(send(0, fmt::format("kill-{}", i), 200 + i)["resolved"], 1);
  }
  for (int i = 0; i < kEach; ++i) {
    ProcessInfo info = client.waitResult(third[i], seconds(60));
    ASSERT_EQ(info.state, ProcessState::Completed) << info.processId.toString();
    EXPECT_EQ(info.result, Json(200 + i));
  }
  EXPECT_EQ(database_->query("SELECT count(*) FROM event_deliveries").front(), "0");
  EXPECT_EQ(database_->query("SELECT count(*) FROM event_waits").front(), "0");
}

}  // namespace
}  // namespace pledge::testing
