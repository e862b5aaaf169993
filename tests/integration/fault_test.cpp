// Faults under load, on real processes: a full disk under the embedded store, PostgreSQL stopped
// and started again, the server killed -9 again and again. Each time the server answers 503 (or
// is gone) meanwhile, serves again by itself, and every process whose start was acknowledged
// completes with its correct result. Longer and harder runs: scripts/chaos.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "bootstrap_process.h"
#include "http_client.h"
#include "pledge/rest_client.h"
#include "server_process.h"
#include "subprocess.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Steps.run(3, sleepMs): three Sleeper steps 0, 1, 4 summed.
constexpr std::int64_t kStepsResult = 5;

StartRequest stepsStart(std::int64_t sleepMs) {
  return StartRequest{.actor = "Steps#1.0", .method = "run", .args = Json::array({3, sleepMs})};
}

// Waits until every process completed; fails naming the first that did not.
void expectAllCompleted(RestClient& client, const std::vector<Uuid>& ids, seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (const Uuid& id : ids) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    ProcessInfo info = client.waitResult(id, std::max(left, milliseconds(1)));
    ASSERT_EQ(info.state, ProcessState::Completed) << id.toString();
    ASSERT_EQ(info.result, Json(kStepsResult)) << id.toString();
  }
}

// A tmpfs of its own, mounted for the test and removed after.
class SmallDisk {
 public:
  explicit SmallDisk(std::size_t bytes) {
    char pattern[] = "/tmp/pledge-disk-XXXXXX";
    path_ = mkdtemp(pattern);
    const std::string options = fmt::format("size={}", bytes);
    mounted_ = mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  std::uint64_t freeBytes() const {
    struct statvfs stats {};
    statvfs(path_.c_str(), &stats);
    return static_cast<std::uint64_t>(stats.f_bavail) * stats.f_frsize;
  }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

TEST(Faults, aFullDiskIsAnswered503AndTheServerResumesByItselfWhenSpaceIsBack) {
  SmallDisk disk(24 * 1024 * 1024);
  if (!disk.mounted())
    GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << "); run as root";
  ServerProcess server(ServerOptions{.store = "sqlite:" + disk.path() + "/data"});
  // Leave about 300 KiB.
  const std::string filler = disk.path() + "/filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(64 * 1024, 'f');
    for (std::uint64_t left = disk.freeBytes(); left > 300 * 1024 + block.size();
         left -= block.size()) {
      out << block;
    }
  }
  HttpClient http("127.0.0.1", server.port());
  std::vector<Uuid> acknowledged;
  std::string refusal;
  Json batch = Json::array();
  for (int i = 0; i < 50; ++i) batch.push_back(Json(stepsStart(0)));
  for (int round = 0; round < 2'000 && refusal.empty(); ++round) {
    HttpResult answer = http.post("/api/v1/processes/batch", Json{{"processes", batch}});
    ASSERT_EQ(answer.status, 200) << answer.body;
    const Json body = answer.json();
    for (const Json& item : body.at("results")) {
      if (item.contains("error")) {
        EXPECT_EQ(item["error"]["code"], "unavailable") << item;
        refusal = item["error"]["message"];
      } else {
        acknowledged.push_back(item.at("processId").get<Uuid>());
      }
    }
  }
  ASSERT_FALSE(refusal.empty()) << "the disk never filled";
  EXPECT_NE(refusal.find("disk is full"), std::string::npos) << refusal;
  ASSERT_FALSE(acknowledged.empty());
  ASSERT_TRUE(server.running());
  // Reads are served meanwhile.
  EXPECT_EQ(http.get("/api/v1/processes/" + acknowledged.front().toString()).status, 200);
  EXPECT_EQ(http.get("/api/v1/queues").status, 200);
  HttpResult single = http.post("/api/v1/processes", Json(stepsStart(0)));
  if (single.status != 201) {
    EXPECT_EQ(single.status, 503) << single.body;
    EXPECT_NE(single.body.find("the store cannot be written now"), std::string::npos)
        << single.body;
  }

  std::filesystem::remove(filler);
  const auto deadline = Clock::now() + seconds(30);
  HttpResult started;
  while (Clock::now() < deadline) {
    started = http.post("/api/v1/processes", Json(stepsStart(0)));
    if (started.status == 201) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_EQ(started.status, 201) << "did not resume by itself: " << started.body << "\n"
                                 << server.log();
  acknowledged.push_back(started.json().at("processId").get<Uuid>());

  BootstrapProcess workers("tests/integration/actors/actors.yaml", server.url());
  RestClient client({server.url()});
  expectAllCompleted(client, acknowledged, seconds(90));
  EXPECT_TRUE(server.running()) << "the server never stopped";
  EXPECT_NE(server.log().find("the store takes writes again"), std::string::npos);
  std::cout << acknowledged.size()
            << " processes acknowledged before and after the disk filled, all completed; "
            << "refused with: " << refusal << "\n";
}

// A private PostgreSQL that the test may crash and start again; replicated: a primary and a
// synchronous standby the test may fail over to.
class PrivatePostgres {
 public:
  explicit PrivatePostgres(bool replicated = false) {
    char pattern[] = "/tmp/pledge-pg-XXXXXX";
    dir_ = mkdtemp(pattern);
    script(replicated ? "start-ha" : "start");
    std::ifstream(dir_ + "/url") >> url_;
  }
  ~PrivatePostgres() { script("stop"); }
  void crash() { script("crash"); }
  void resume() { script("resume"); }
  void killPrimary() { script("kill-primary"); }
  void promote() { script("promote"); }
  const std::string& url() const { return url_; }

 private:
  void script(const std::string& action) {
    const std::string command =
        std::string(PLEDGE_SOURCE_DIR) + "/tests/support/pg_cluster " + action + " " + dir_;
    if (std::system((command + " >/dev/null").c_str()) != 0)
      throw std::runtime_error(command + " failed");
  }

  std::string dir_;
  std::string url_;
};

// Starts processes in batches until stopped, keeping the ids of those acknowledged.
class Starter {
 public:
  explicit Starter(const std::string& url) {
    thread_ = std::thread([this, url] {
      RestClient client({url}, RestClientOptions{.unavailableRetry = milliseconds(100)});
      while (!stop_) {
        std::vector<StartRequest> batch(20, stepsStart(2));
        try {
          for (const Result<StartedProcess>& started : client.startMany(batch)) {
            if (started.ok()) {
              std::lock_guard lock(mutex_);
              ids_.push_back(started.value().processId);
            } else {
              ++refused_;
            }
          }
        } catch (const Error&) {
          ++refused_;
        }
        std::this_thread::sleep_for(milliseconds(50));
      }
    });
  }
  ~Starter() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<Uuid> ids() {
    std::lock_guard lock(mutex_);
    return ids_;
  }
  int refused() const { return refused_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> refused_{0};
  std::mutex mutex_;
  std::vector<Uuid> ids_;
  std::thread thread_;
};

TEST(Faults, postgresqlCrashedAndStartedAgainUnderLoadLosesNothing) {
  PrivatePostgres postgres;
  ServerProcess server(ServerOptions{.store = postgres.url(), .nodeName = "only"});
  BootstrapProcess workers("tests/integration/actors/actors.yaml", server.url());
  Starter starter(server.url());
  std::this_thread::sleep_for(seconds(2));
  const std::size_t before = starter.ids().size();
  ASSERT_GT(before, 0u);
  postgres.crash();
  std::this_thread::sleep_for(seconds(3));
  ASSERT_TRUE(server.running()) << server.log();
  HttpClient http("127.0.0.1", server.port());
  EXPECT_EQ(http.get("/api/v1/cluster").status, 200) << "the node answers meanwhile";
  HttpResult refused = http.post("/api/v1/processes", Json(stepsStart(0)));
  EXPECT_EQ(refused.status, 503) << refused.body;
  postgres.resume();
  std::this_thread::sleep_for(seconds(4));
  starter.stop();
  const std::vector<Uuid> ids = starter.ids();
  EXPECT_GT(ids.size(), before) << "starts were taken again after PostgreSQL came back";
  EXPECT_GT(starter.refused(), 0) << "some starts were refused while it was down";
  RestClient client({server.url()});
  expectAllCompleted(client, ids, seconds(120));
  EXPECT_TRUE(server.running());
  std::cout << ids.size() << " processes acknowledged (" << before << " before the crash), "
            << starter.refused() << " starts refused while PostgreSQL was down, all completed\n";
  if (std::getenv("PLEDGE_TEST_SHOW_LOG") != nullptr) std::cout << server.log();
}

TEST(Faults, aPrimaryFailoverUnderLoadLosesNothingAcknowledged) {
  // Three nodes and two runners on a primary with a synchronous standby, the URL naming both
  // hosts (target_session_attrs=read-write). The primary is killed -9 with 1,000 processes in
  // flight; a second later the standby is promoted (as a failover manager would).
  PrivatePostgres postgres(/*replicated=*/true);
  std::vector<std::unique_ptr<ServerProcess>> nodes;
  std::vector<std::string> urls;
  for (const char* name : {"a", "b", "c"}) {
    nodes.push_back(
        std::make_unique<ServerProcess>(ServerOptions{.store = postgres.url(), .nodeName = name}));
    urls.push_back(nodes.back()->url());
  }
  BootstrapProcess runner1("tests/integration/actors/actors.yaml", urls);
  BootstrapProcess runner2("tests/integration/actors/actors.yaml", urls);
  RestClient client(urls, RestClientOptions{.unavailableRetry = seconds(60)});
  std::vector<StartRequest> starts(1'000, stepsStart(10));
  std::vector<Uuid> ids;
  for (std::size_t first = 0; first < starts.size(); first += 250) {
    std::vector<StartRequest> part(starts.begin() + static_cast<long>(first),
                                   starts.begin() + static_cast<long>(first + 250));
    for (const Result<StartedProcess>& started : client.startMany(part)) {
      ASSERT_TRUE(started.ok()) << started.error().message();
      ids.push_back(started.value().processId);
    }
  }
  std::this_thread::sleep_for(seconds(1));
  const double completedBefore = [&] {
    RestClient probe(urls);
    return static_cast<double>(
        probe.listProcesses({{"state", "completed"}, {"limit", "1000"}}).at("items").size());
  }();
  ASSERT_LT(completedBefore, 1'000)
      << "everything finished before the failover; nothing was tested";

  const auto killed = Clock::now();
  postgres.killPrimary();
  std::this_thread::sleep_for(seconds(1));
  postgres.promote();
  // The first new commit after the kill: a start acknowledged by any node.
  std::optional<milliseconds> pause;
  while (Clock::now() - killed < seconds(60)) {
    for (const auto& node : nodes) {
      HttpClient nodeHttp("127.0.0.1", node->port());
      if (nodeHttp.post("/api/v1/processes", Json(stepsStart(0))).status == 201) {
        pause = std::chrono::duration_cast<milliseconds>(Clock::now() - killed);
        break;
      }
    }
    if (pause) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_TRUE(pause) << "no node committed again within 60 s of the kill";
  std::cout << "failover: first new commit " << pause->count()
            << " ms after the primary was killed (the standby "
            << "was promoted after 1000 ms); " << completedBefore
            << " of 1000 processes had completed before\n";
  expectAllCompleted(client, ids, seconds(180));
  for (const auto& node : nodes) EXPECT_TRUE(node->running()) << node->log();
}

// Backups as docs/operations.md describes them, restored into a new store: a node on the copy
// serves every process, and the running ones complete.
void runToHalfwayAndBackUp(const std::string& store, const std::function<std::string()>& backUp,
                           const std::function<std::string(const std::string&)>& restore) {
  std::vector<Uuid> ids;
  std::string backup;
  {
    ServerProcess server(ServerOptions{.store = store, .nodeName = "before"});
    RestClient client({server.url()});
    {
      BootstrapProcess workers("tests/integration/actors/actors.yaml", server.url());
      for (int i = 0; i < 20; ++i) ids.push_back(client.start(stepsStart(0)).processId);
      expectAllCompleted(client, ids, seconds(60));
    }
    // Not run yet when the backup is taken: these complete on the restored copy.
    for (int i = 0; i < 20; ++i) ids.push_back(client.start(stepsStart(0)).processId);
    backup = backUp();
  }
  ServerProcess restored(ServerOptions{.store = restore(backup), .nodeName = "after"});
  BootstrapProcess workers("tests/integration/actors/actors.yaml", restored.url());
  RestClient client({restored.url()});
  expectAllCompleted(client, ids, seconds(60));
}

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::array<char, 4096> chunk{};
  while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe))
    output.append(chunk.data(), n);
  const int status = pclose(pipe);
  if (status != 0) throw std::runtime_error(command + " failed: " + output);
  return output;
}

TEST(Faults, aSqliteBackupTakenWhileServingRestoresEverything) {
  char pattern[] = "/tmp/pledge-backup-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  runToHalfwayAndBackUp(
      "sqlite:" + dir + "/data",
      [&] {
        // SQLite's online backup, while the server runs.
        run("sqlite3 " + dir + "/data/pledge.db \".backup " + dir + "/backup.db\"");
        return dir + "/backup.db";
      },
      [&](const std::string& backup) {
        std::filesystem::create_directories(dir + "/restored");
        std::filesystem::copy_file(backup, dir + "/restored/pledge.db");
        return "sqlite:" + dir + "/restored";
      });
  std::filesystem::remove_all(dir);
}

TEST(Faults, aPgDumpRestoredIntoANewDatabaseRestoresEverything) {
  PrivatePostgres postgres;
  const std::string base = postgres.url().substr(0, postgres.url().rfind('/'));
  run("psql -q " + postgres.url() + " -c 'CREATE DATABASE pledge'");
  char pattern[] = "/tmp/pledge-dump-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  runToHalfwayAndBackUp(
      base + "/pledge",
      [&] {
        run("pg_dump --format=custom --file=" + dir + "/pledge.dump " + base + "/pledge");
        return dir + "/pledge.dump";
      },
      [&](const std::string& dump) {
        run("psql -q " + postgres.url() + " -c 'CREATE DATABASE restored'");
        run("pg_restore --no-owner --dbname=" + base + "/restored " + dump);
        return base + "/restored";
      });
  std::filesystem::remove_all(dir);
}

TEST(Faults, aServerKilledAgainAndAgainUnderLoadLosesNothing) {
  // (Short leases: a lease written before a kill holds its task until it expires.)
  ServerProcess server(
      ServerOptions{.extraArgs = {"--default-timeout-ms", "3000"}, .stickyPort = true});
  BootstrapProcess workers("tests/integration/actors/actors.yaml", server.url());
  Starter starter(server.url());
  for (int kill = 0; kill < 3; ++kill) {
    std::this_thread::sleep_for(milliseconds(700));
    server.stop(SIGKILL);
    server.start();
  }
  std::this_thread::sleep_for(milliseconds(500));
  starter.stop();
  const std::vector<Uuid> ids = starter.ids();
  ASSERT_GT(ids.size(), 0u);
  RestClient client({server.url()});
  expectAllCompleted(client, ids, seconds(150));
}

TEST(Faults, runnersKilledUnderLoadLoseNothing) {
  ServerProcess server(ServerOptions{.extraArgs = {"--default-timeout-ms", "2000"}});
  auto workers =
      std::make_unique<BootstrapProcess>("tests/integration/actors/actors.yaml", server.url());
  Starter starter(server.url());
  for (int kill = 0; kill < 3; ++kill) {
    std::this_thread::sleep_for(milliseconds(600));
    workers->stop(SIGKILL);
    workers->start();
  }
  starter.stop();
  const std::vector<Uuid> ids = starter.ids();
  ASSERT_GT(ids.size(), 0u);
  RestClient client({server.url()});
  expectAllCompleted(client, ids, seconds(150));
}

}  // namespace
}  // namespace pledge::testing
