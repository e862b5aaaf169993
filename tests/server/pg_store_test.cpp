// PgStore as ClusterStore: membership, leases, fencing of commits, the tenure history. On the
// tests' private PostgreSQL (ctest fixture "postgres"); the Store contract is in store_test.cpp.
#include "pledge/server/store/pg_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "store/pg_rows.h"
#include "pg_store_fixture.h"

namespace pledge::server {
namespace {

class PgStoreTest : public PgStoreFixture {};

TEST_F(PgStoreTest, nodesRegisterAndAgeOut) {
  std::vector<NodeRecord> nodes = store_.heartbeat("a", "http://a", 10, 5'000);
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0].address, "http://a");
  EXPECT_TRUE(nodes[0].alive);
  store_.heartbeat("b", "http://b", 11, 5'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  nodes = store_.heartbeat("a", "http://a", 10, 200);
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_TRUE(nodes[0].alive) << "a just beat";
  EXPECT_FALSE(nodes[1].alive) << "b was silent longer than the alive window";
  store_.leave("b", "b#11");
  EXPECT_EQ(store_.heartbeat("a", "http://a", 10, 5'000).size(), 1u);
}

TEST_F(PgStoreTest, leasesAreTakenOnceRenewedAndTakenOverOnlyAfterExpiry) {
  EXPECT_EQ(store_.acquireLeases("a#1", 5, 60'000), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(store_.acquireLeases("b#1", 8, 60'000), (std::vector<int>{5, 6, 7}))
      << "only free ones";
  EXPECT_TRUE(store_.acquireLeases("c#1", 8, 60'000).empty());
  EXPECT_EQ(store_.renewLeases("a#1", 60'000), (std::vector<int>{0, 1, 2, 3, 4}));

  // b's leases run out: c takes them, b's renewal no longer finds them.
  store_.renewLeases("b#1", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(store_.acquireLeases("c#1", 8, 60'000), (std::vector<int>{5, 6, 7}));
  EXPECT_TRUE(store_.renewLeases("b#1", 60'000).empty());

  // A release frees at once.
  store_.releaseLeases("a#1", {3, 4});
  EXPECT_EQ(store_.acquireLeases("b#1", 8, 60'000), (std::vector<int>{3, 4}));
  std::vector<LeaseRecord> leases = store_.leases();
  ASSERT_EQ(leases.size(), 8u);
  EXPECT_EQ(leases[3].owner, "b#1");
  EXPECT_EQ(leases[5].owner, "c#1");
  EXPECT_EQ(leases[5].epoch, 2);
  EXPECT_GT(leases[5].expiresInMs, 50'000);
}

TEST_F(PgStoreTest, aRestartedNodeTakesBackItsEarlierRunsLeasesAtOnce) {
  EXPECT_EQ(store_.acquireLeases("a#1", 4, 60'000), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(store_.acquireLeases("b#1", 4, 60'000), (std::vector<int>{4, 5, 6, 7}));
  // "a" restarts (run 2): a's earlier run is gone, b's leases still hold.
  EXPECT_EQ(store_.acquireLeases("a#2", 8, 60'000), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(store_.renewLeases("a#1", 60'000).empty()) << "the earlier run lost them";
  EXPECT_EQ(store_.renewLeases("b#1", 60'000), (std::vector<int>{4, 5, 6, 7}));
  // A node whose name merely starts like another's takes nothing of it.
  EXPECT_TRUE(store_.acquireLeases("a#2#3", 8, 60'000).empty());
  EXPECT_TRUE(store_.acquireLeases("b", 8, 60'000).empty());
  EXPECT_EQ(store_.leases()[0].epoch, 2);
}

TEST_F(PgStoreTest, tenuresOfAPartitionNeverOverlap) {
  store_.acquireLeases("a#1", 8, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  store_.acquireLeases("b#1", 8, 60'000);
  store_.releaseLeases("b#1", {0});
  store_.acquireLeases("c#1", 1, 60'000);
  std::vector<Tenure> tenures = store_.tenures();
  std::map<int, std::vector<Tenure>> byPartition;
  for (const Tenure& tenure : tenures) byPartition[tenure.partition].push_back(tenure);
  ASSERT_EQ(byPartition[0].size(), 3u);
  EXPECT_EQ(byPartition[0][0].owner, "a#1");
  EXPECT_EQ(byPartition[0][1].owner, "b#1");
  EXPECT_EQ(byPartition[0][2].owner, "c#1");
  for (const auto& [partition, list] : byPartition) {
    for (std::size_t i = 1; i < list.size(); ++i) {
      ASSERT_TRUE(list[i - 1].endedAtUs)
          << "partition " << partition << " epoch " << list[i - 1].epoch;
      EXPECT_LE(*list[i - 1].endedAtUs, list[i].acquiredAtUs) << "partition " << partition;
    }
    EXPECT_FALSE(list.back().endedAtUs) << "the current owner still holds it";
  }
}

TEST_F(PgStoreTest, fencedCommitsNeedTheLeaseOfEveryPartitionTheyWrite) {
  store_.fenceCommits("a#1");
  store_.acquireLeases("a#1", 2, 60'000);  // partitions 0 and 1
  store_.commit(WriteBatch{{processIn(0), processIn(1)}, {}});
  try {
    store_.commit(WriteBatch{{processIn(1), processIn(5)}, {}});
    FAIL() << "wrote partition 5 without its lease";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Conflict);
    EXPECT_NE(error.message().find("partition(s) 5"), std::string::npos) << error.message();
  }
  EXPECT_EQ(store_.countProcesses().running, 2) << "the refused batch wrote nothing";
  store_.commit(WriteBatch{{processIn(1)}, {}});
  EXPECT_EQ(store_.countProcesses().running, 3) << "the next batch is written";

  // Expired: refused too, even though nobody took the partition yet.
  store_.renewLeases("a#1", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_THROW(store_.commit(WriteBatch{{processIn(0)}, {}}), Error);
}

TEST_F(PgStoreTest, aCommitInFlightHoldsOffATakeover) {
  // The owner's commit holds its lease rows; a takeover skips them until the commit ended, so
  // the new owner loads what that commit wrote.
  PgStore other(database_.url(), 8);
  store_.fenceCommits("a#1");
  store_.acquireLeases("a#1", 8, 60'000);
  store_.renewLeases("a#1", 1'500);
  const auto leaseEnds = std::chrono::steady_clock::now() + std::chrono::milliseconds(1'500);
  // The commit gets past its lease check, then waits for this lock: it stays in flight for as
  // long as the test wants, whatever the machine's speed.
  auto blocker = database_.lockTable("processes", "EXCLUSIVE");
  WriteBatch batch;
  for (int i = 0; i < 100; ++i) batch.processes.push_back(processIn(i % 8));
  std::string commitError;
  std::thread committer([&] {
    try {
      store_.commit(batch);
    } catch (const std::exception& error) {
      commitError = error.what();
    }
  });
  auto waitingLocks = [&] {
    return database_
        .query(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'processes'::regclass")
        .at(0);
  };
  for (int i = 0; i < 1'000 && waitingLocks() == "0" && commitError.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(waitingLocks(), "1") << "the commit never reached its insert: " << commitError;
  std::this_thread::sleep_until(leaseEnds + std::chrono::milliseconds(100));
  EXPECT_TRUE(other.acquireLeases("b#1", 8, 60'000).empty())
      << "the leases ran out, but the commit in flight still holds them";
  blocker.reset();
  committer.join();
  EXPECT_EQ(commitError, "") << "the commit passed its lease check before the leases ran out";
  std::vector<int> taken;
  for (int round = 0; round < 100 && taken.size() < 8; ++round) {
    std::vector<int> more = other.acquireLeases("b#1", 8, 60'000);
    taken.insert(taken.end(), more.begin(), more.end());
    if (taken.size() < 8) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(taken.size(), 8u);
  EXPECT_EQ(other.countProcesses().running, 100) << "the new owner sees the whole batch";
}

TEST_F(PgStoreTest, aCommitAfterTheConnectionBrokeConnectsAgain) {
  store_.commit(WriteBatch{{processIn(0)}, {}});
  database_.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  int written = 1;
  // The first commit may find the connection broken (nothing of it written, Unavailable); the
  // one after it connects again.
  try {
    store_.commit(WriteBatch{{processIn(1)}, {}});
    ++written;
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Unavailable) << error.message();
  }
  store_.commit(WriteBatch{{processIn(2)}, {}});
  ++written;
  EXPECT_EQ(store_.countProcesses().running, written);
}

TEST_F(PgStoreTest, aFailedStatementFailsTheWholeCommitAndTheNextOneIsWritten) {
  TaskRow task;
  task.id = Uuid::random();
  task.isNew = true;
  task.spec = R"({"taskId":"start"})";
  task.state = TaskState::Leased;
  ProcessRow first = processIn(0);
  task.processId = first.info.processId;
  store_.commit(WriteBatch{{first}, {task}});
  // A new process, then the same new task again: the process's insert runs, the task's id
  // fails on task_ids' primary key after it, and the whole batch is rolled back.
  ProcessRow other = processIn(1);
  try {
    store_.commit(WriteBatch{{other}, {task}});
    FAIL() << "inserted a task twice";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Unavailable);
    EXPECT_NE(error.message().find("duplicate key"), std::string::npos) << error.message();
  }
  EXPECT_FALSE(store_.findProcess(other.info.processId)) << "rolled back with the batch";
  EXPECT_EQ(store_.processTasks(first.info.processId).size(), 1u);
  store_.commit(WriteBatch{{other}, {}});
  EXPECT_TRUE(store_.findProcess(other.info.processId)) << "the next batch is written";
}

// The test write a node makes before it serves again after a failed commit (an upsert).
TEST_F(PgStoreTest, theWriteCheckWritesOneRowAgainAndAgain) {
  store_.checkWritable();
  store_.checkWritable();
  EXPECT_EQ(database_.query("SELECT count(*) FROM meta WHERE key = 'write_check'"),
            (std::vector<std::string>{"1"}));
}

// A batched start asks for 200 keys at once. Before PostgreSQL has analyzed the table (a store
// that just filled up), "request_id = ANY(200 keys)" was planned as a read of the whole table:
// a cost per start that grew with the store.
TEST_F(PgStoreTest, startLookupsProbeTheIndexBeforeTheTableWasAnalyzed) {
  // Autovacuum would analyze the table at a moment of its choosing.
  database_.query("ALTER TABLE processes SET (autovacuum_enabled = false)");
  for (int batch = 0; batch < 5; ++batch) {
    WriteBatch rows;
    for (int i = 0; i < 1'000; ++i) {
      rows.processes.push_back(processIn(i % 8));
      rows.processes.back().requestId = fmt::format("request-{}", batch * 1'000 + i);
    }
    store_.commit(rows);
  }
  ASSERT_EQ(database_.query("SELECT count(*) FROM pg_stat_user_tables WHERE relname = "
                            "'processes' AND last_analyze IS NULL AND last_autoanalyze IS NULL"),
            (std::vector<std::string>{"1"}))
      << "the table must not have been analyzed for this test to mean anything";

  std::vector<StartKey> keys;
  std::string literal;
  for (int i = 0; i < 300; ++i) {
    // Every other key started a process.
    const std::string key = fmt::format("request-{}", i % 2 == 0 ? i * 10 : 100'000 + i);
    keys.push_back(StartKey{std::nullopt, key});
    literal += (literal.empty() ? "" : ",") + key;
  }
  std::string sql = pg::startsBy("request_id");
  sql.replace(sql.find("$1"), 2, "'{" + literal + "}'");
  std::string plan;
  for (const std::string& line : database_.query("EXPLAIN " + sql)) plan += line + "\n";
  EXPECT_EQ(plan.find("Seq Scan on processes"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Index Scan"), std::string::npos) << plan;

  const std::vector<std::optional<StartedProcess>> found = store_.findStarts(keys);
  ASSERT_EQ(found.size(), keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(found[i].has_value(), i % 2 == 0) << *keys[i].requestId;
  }
}

TEST(PgStore, unreachableDatabaseIsAClearError) {
  try {
    PgStore store("postgresql://nobody:secret@127.0.0.1:1/nothing", 8);
    FAIL() << "connected to nothing";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Unavailable);
    EXPECT_NE(error.message().find("postgresql://nobody:***@127.0.0.1:1/nothing"),
              std::string::npos)
        << "names the URL without its password: " << error.message();
    EXPECT_EQ(error.message().find("secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace pledge::server
