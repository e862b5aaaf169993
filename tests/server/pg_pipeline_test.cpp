// PgStore's pipelined commits (Store::sendCommit, awaitCommit): the next commit goes out while
// PostgreSQL still runs the one before, they are written in order, and one that fails takes
// every commit sent after it down with it. On the tests' private PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "pledge/server/store/pg_store.h"
#include "pg_store_fixture.h"

namespace pledge::server {
namespace {

class PgStorePipelineTest : public PgStoreFixture {};

TEST_F(PgStorePipelineTest, commitsSentTogetherAreWrittenInOrder) {
  ProcessRow started = processIn(0);
  ProcessRow ended = started;
  ended.isNew = false;
  ended.info.state = ProcessState::Completed;
  ended.info.endedAt = 2;
  const WriteBatch first{{started}, {}};
  const WriteBatch second{{ended}, {}};
  ASSERT_TRUE(store_.canPipeline(first));
  EXPECT_FALSE(store_.canPipeline(WriteBatch{})) << "nothing to send";
  // The second updates the row the first inserts: it must run after it.
  store_.sendCommit(first);
  store_.sendCommit(second);
  EXPECT_TRUE(store_.awaitCommit());
  EXPECT_TRUE(store_.awaitCommit());
  const std::optional<ProcessRow> row = store_.findProcess(started.info.processId);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->info.state, ProcessState::Completed);
  EXPECT_FALSE(store_.awaitCommit()) << "nothing is in flight";
}

TEST_F(PgStorePipelineTest, aFailedCommitFailsTheOnesSentAfterItAndNothingOfThemIsWritten) {
  store_.fenceCommits("a#1");
  store_.acquireLeases("a#1", 2, 60'000);  // partitions 0 and 1
  store_.sendCommit(WriteBatch{{processIn(5)}, {}});  // without the lease of partition 5
  store_.sendCommit(WriteBatch{{processIn(0)}, {}});  // would be written alone
  try {
    store_.awaitCommit();
    FAIL() << "wrote partition 5 without its lease";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Conflict) << error.message();
  }
  EXPECT_FALSE(store_.awaitCommit()) << "the second failed with the first";
  EXPECT_EQ(store_.countProcesses().running, 0);
  // The next ones are written (on a new connection).
  store_.sendCommit(WriteBatch{{processIn(0)}, {}});
  store_.sendCommit(WriteBatch{{processIn(1)}, {}});
  EXPECT_TRUE(store_.awaitCommit());
  EXPECT_TRUE(store_.awaitCommit());
  EXPECT_EQ(store_.countProcesses().running, 2);
}

TEST_F(PgStorePipelineTest, aWaitIsInterruptedAndTheCommitStillLands) {
  // The commit waits for this lock for as long as the test holds it.
  auto blocker = database_.lockTable("processes", "EXCLUSIVE");
  const ProcessRow row = processIn(0);
  store_.sendCommit(WriteBatch{{row}, {}});
  std::thread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store_.interruptAwait();
  });
  EXPECT_FALSE(store_.awaitCommit()) << "returns when interrupted";
  interrupter.join();
  EXPECT_FALSE(store_.findProcess(row.info.processId));
  blocker.reset();
  EXPECT_TRUE(store_.awaitCommit());
  EXPECT_TRUE(store_.findProcess(row.info.processId));
}

TEST_F(PgStorePipelineTest, aCommitWaitsForThoseInFlightAndEndsThePipelineNowAndThen) {
  const ProcessRow first = processIn(0);
  store_.sendCommit(WriteBatch{{first}, {}});
  // commit() waits for what is in flight first: both are there when it returns.
  const ProcessRow second = processIn(1);
  store_.commit(WriteBatch{{second}, {}});
  EXPECT_TRUE(store_.findProcess(first.info.processId));
  EXPECT_TRUE(store_.findProcess(second.info.processId));
  // Half a second of pipelined commits, then the next one must go alone (PostgreSQL reports
  // its statistics, which autovacuum needs, only at the end of a pipeline).
  store_.sendCommit(WriteBatch{{processIn(2)}, {}});
  EXPECT_TRUE(store_.awaitCommit());
  const WriteBatch next{{processIn(3)}, {}};
  EXPECT_TRUE(store_.canPipeline(next));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_FALSE(store_.canPipeline(next));
  store_.commit(next);
  EXPECT_TRUE(store_.canPipeline(next));
  EXPECT_EQ(store_.countProcesses().running, 4);
}

TEST_F(PgStorePipelineTest, aCommitAfterTheConnectionBrokeConnectsAgain) {
  store_.sendCommit(WriteBatch{{processIn(0)}, {}});
  EXPECT_TRUE(store_.awaitCommit());
  database_.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  int written = 1;
  // The first may find the connection broken (Unavailable, when sent or awaited); the one
  // after it connects again.
  try {
    store_.sendCommit(WriteBatch{{processIn(1)}, {}});
    if (store_.awaitCommit()) ++written;
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Unavailable) << error.message();
  }
  store_.sendCommit(WriteBatch{{processIn(2)}, {}});
  EXPECT_TRUE(store_.awaitCommit());
  EXPECT_EQ(store_.countProcesses().running, written + 1);
}

}  // namespace
}  // namespace pledge::server
