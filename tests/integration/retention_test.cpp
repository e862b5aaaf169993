// Retention on a real pledge-server (docs/operations.md "Retention"): under a steady load of
// short processes with --retention 2s, the store holds a bounded number of processes, the
// SQLite file stops growing, and every completed process is in the archive exactly once.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>
#include <thread>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

using Clock = std::chrono::steady_clock;

class RetentionUnderLoad : public ::testing::Test {
 protected:
  RetentionUnderLoad()
      : archive_(::testing::TempDir() + "/retention-archive-" + std::to_string(getpid())),
        server_({"--retention", "2s", "--retention-archive-dir", archive_, "--retention-batch",
                 "50"}),
        api_(server_.port()) {}
  ~RetentionUnderLoad() override { std::filesystem::remove_all(archive_); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server\n" << server_.log();
  }

  // Starts count processes of two tasks each (a start task that forwards to a step) and plays
  // their worker until every one completed; adds their ids to completed_.
  void round(int count) {
    std::set<Uuid> open;
    for (int i = 0; i < count; ++i) open.insert(api_.start("Short#1", "start").processId);
    int steps = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (steps < count && Clock::now() < deadline) {
      std::vector<Decision> decisions;
      for (const PolledTask& task : api_.poll("Short#1", 100, 200)) {
        decideStartOrStep(task, decisions, steps);
      }
      if (!decisions.empty()) {
        ASSERT_EQ(api_.release(decisions).status, 200);
      }
    }
    ASSERT_EQ(steps, count) << "the round's processes did not all complete";
    completed_.insert(open.begin(), open.end());
  }

  // Processes the store holds (every page of GET /api/v1/processes).
  std::size_t stored() {
    std::size_t count = 0;
    std::string cursor;
    for (;;) {
      HttpResult page = api_.http().get("/api/v1/processes?limit=1000" +
                                        (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(page.status, 200) << page.body;
      const Json body = page.json();
      count += body["items"].size();
      if (body["next"].is_null()) return count;
      cursor = body["next"].get<std::string>();
    }
  }

  // The SQLite store's files (the WAL included); 0 on PostgreSQL.
  std::uintmax_t storeBytes() {
    std::uintmax_t bytes = 0;
    for (const char* name : {"pledge.db", "pledge.db-wal"}) {
      std::error_code error;
      const auto size = std::filesystem::file_size(server_.dataDir() + "/" + name, error);
      if (!error) bytes += size;
    }
    return bytes;
  }

  std::string archive_;
  ServerProcess server_;
  TestApi api_;
  std::set<Uuid> completed_;
};

TEST_F(RetentionUnderLoad, theStoreStaysBoundedAndEveryCompletedProcessIsArchivedOnce) {
  constexpr int kRounds = 14;
  constexpr int kPerRound = 150;
  std::uintmax_t bytesAfterWarmUp = 0;
  std::size_t mostStored = 0;
  for (int r = 0; r < kRounds; ++r) {
    const auto began = Clock::now();
    round(kPerRound);
    if (HasFatalFailure()) return;
    // A steady load: a round a second at most.
    std::this_thread::sleep_until(began + std::chrono::seconds(1));
    const std::size_t now = stored();
    if (r == 3) bytesAfterWarmUp = storeBytes();
    if (r >= 6) mostStored = std::max(mostStored, now);
    std::cerr << "round " << r << ": " << completed_.size() << " completed, " << now
              << " stored, " << storeBytes() << " store bytes\n";
  }
  // Bounded: what ended in the last few seconds (2 s of age, a pass a second, a batch pause),
  // far below what ran.
  EXPECT_LT(mostStored, completed_.size() / 2) << "retention does not keep up";
  if (bytesAfterWarmUp > 0) {
    EXPECT_LT(storeBytes(), bytesAfterWarmUp * 2 + (1u << 20)) << "the SQLite file keeps growing";
  }

  // Once the load stops, every process goes.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (stored() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(stored(), 0U);
  const Json retention = api_.http().get("/api/v1/retention").json();
  EXPECT_EQ(retention["deletedProcesses"], completed_.size()) << retention.dump();
  EXPECT_EQ(retention["deletedTasks"], 2 * completed_.size()) << retention.dump();
  EXPECT_TRUE(retention["lastError"].is_null()) << retention.dump();
  EXPECT_EQ(retention["maxAgeMs"], 2000);
  EXPECT_NE(api_.http().get("/metrics").body.find(
                "pledge_retention_deleted_processes_total " + std::to_string(completed_.size())),
            std::string::npos);

  // The archive: one line per process, each once, with its two tasks.
  std::map<Uuid, int> archived;
  std::uintmax_t archiveBytes = 0;
  for (const auto& file : std::filesystem::directory_iterator(archive_)) {
    EXPECT_TRUE(file.path().filename().string().starts_with("processes-")) << file.path();
    archiveBytes += file.file_size();
    std::ifstream in(file.path());
    for (std::string line; std::getline(in, line);) {
      const Json record = parseJson(line);
      ++archived[record["process"]["processId"].get<Uuid>()];
      EXPECT_EQ(record["process"]["state"], "completed") << line;
      EXPECT_EQ(record["tasks"].size(), 2U) << line;
    }
  }
  EXPECT_EQ(archived.size(), completed_.size());
  for (const Uuid& id : completed_) EXPECT_EQ(archived[id], 1) << id.toString();
  EXPECT_EQ(retention["archivedBytes"], archiveBytes);
}

TEST(Retention, isOffByDefaultAndARunIsThenAConflict) {
  ServerProcess server;
  HttpClient http("127.0.0.1", server.port());
  const Json retention = http.get("/api/v1/retention").json();
  EXPECT_TRUE(retention["maxAgeMs"].is_null()) << retention.dump();
  EXPECT_EQ(retention["deletedProcesses"], 0);
  HttpResult run = http.post("/api/v1/retention/run", "{}");
  EXPECT_EQ(run.status, 409) << run.body;
  EXPECT_NE(run.body.find("retention is off"), std::string::npos) << run.body;
}

}  // namespace
}  // namespace pledge::testing
