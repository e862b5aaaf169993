// PostgreSQL lists a running process in process_states only once it has run past its
// partition's horizon (store/pg_process_lists.h, migration 18): the loads, lists and counts find
// the processes not listed yet, a commit that moves a horizon lists those it passes, and a store
// that opens later (a restart, a takeover) finds what the one before left unlisted.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "pg_store_fixture.h"
#include "store/pg_process_lists.h"
#include "store/stored_rows.h"

namespace pledge::server {
namespace {

using rows::nowMs;

// A new running process of partition, started at (now by default).
ProcessRow startedAt(int partition, std::int64_t at = nowMs()) {
  ProcessRow row = processIn(partition);
  row.info.startedAt = at;
  return row;
}

ProcessRow changed(ProcessRow row, ProcessState state) {
  row.isNew = false;
  row.info.state = state;
  if (state == ProcessState::Completed || state == ProcessState::Aborted) {
    row.info.endedAt = row.info.startedAt + 5;
  }
  return row;
}

std::vector<Uuid> idsOf(const std::vector<ProcessRow>& rows) {
  std::vector<Uuid> ids;
  for (const ProcessRow& row : rows) ids.push_back(row.info.processId);
  return ids;
}

class PgHorizons : public PgStoreFixture {
 protected:
  void commit(PgStore& store, std::initializer_list<ProcessRow> rows) {
    store.commit(WriteBatch{std::vector<ProcessRow>(rows), {}});
    EXPECT_EQ(disagreements(), std::vector<std::string>{});
  }

  // The ids of process_states, newest first.
  std::vector<std::string> stateRows() const {
    return database_.query(
        "SELECT id || ' ' || state FROM process_states ORDER BY started_at "
        "DESC, id DESC");
  }

  static std::string row(const ProcessRow& process, ProcessState state) {
    return fmt::format("{} {}", process.info.processId.toString(), static_cast<int>(state));
  }

  static std::vector<Uuid> listed(PgStore& store, ProcessState state, int limit = 50) {
    std::vector<Uuid> ids;
    ProcessQuery query{.state = state, .limit = limit};
    do {
      ProcessPage page = store.listProcesses(query);
      for (const ProcessInfo& info : page.items) ids.push_back(info.processId);
      query.cursor = page.next;
    } while (query.cursor);
    return ids;
  }

  std::int64_t storedHorizon(int partition) const {
    return std::stoll(database_.query(fmt::format(
        "SELECT listed_before FROM process_horizons WHERE partition = {}", partition))[0]);
  }
};

TEST_F(PgHorizons, aStoreStartsWithAHorizonForEachPartitionAtTheDatabasesClock) {
  EXPECT_EQ(database_.query("SELECT count(*) FROM process_horizons"),
            std::vector<std::string>{"8"});
  EXPECT_NEAR(static_cast<double>(storedHorizon(7)), static_cast<double>(nowMs()), 60'000);
}

TEST_F(PgHorizons, aProcessThatEndsBeforeItsHorizonIsNeverListed) {
  const ProcessRow a = startedAt(1);
  const ProcessRow old = startedAt(2, 1);  // started before the horizon: listed at once
  commit(store_, {a, old});
  EXPECT_EQ(stateRows(), std::vector<std::string>{row(old, ProcessState::Running)});
  EXPECT_EQ(listed(store_, ProcessState::Running), idsOf({a, old}));
  EXPECT_EQ(listed(store_, ProcessState::Running, 1), idsOf({a, old})) << "page by page";
  EXPECT_EQ(store_.countProcesses().running, 2);
  EXPECT_EQ(idsOf(store_.loadLive(0, PartitionSet::all()).processes).size(), 2u);
  EXPECT_EQ(idsOf(store_.loadLive(0, PartitionSet::of({1})).processes), idsOf({a}));
  EXPECT_EQ(idsOf(store_.loadLive(0, PartitionSet::of({2})).processes), idsOf({old}));

  commit(store_, {changed(a, ProcessState::Completed), changed(old, ProcessState::Completed)});
  EXPECT_EQ(stateRows(), std::vector<std::string>{});
  // Its end went in by a plain insert (it had not ended before); written again, it keeps it.
  commit(store_, {changed(a, ProcessState::Completed)});
  const ProcessCounts counts = store_.countProcesses();
  EXPECT_EQ(counts.running, 0);
  EXPECT_EQ(counts.completed, 2);
  EXPECT_EQ(listed(store_, ProcessState::Running), std::vector<Uuid>{});
  EXPECT_TRUE(store_.loadLive(0, PartitionSet::all()).processes.empty());
}

TEST_F(PgHorizons, aRestartOrATakeoverLoadsWhatTheStoreBeforeLeftUnlisted) {
  const ProcessRow a = startedAt(3);
  const ProcessRow b = startedAt(3, 1);
  const ProcessRow elsewhere = startedAt(4);
  commit(store_, {a, b, elsewhere});
  ASSERT_EQ(stateRows(), std::vector<std::string>{row(b, ProcessState::Running)});

  PgStore next(database_.url(), 8);
  const LiveState live = next.loadLive(0, PartitionSet::of({3}));
  EXPECT_EQ(idsOf(live.processes), idsOf({a, b}));
  EXPECT_EQ(next.countProcesses().running, 3);
  // The store that loaded them does not know them as unlisted: their ends look for rows.
  commit(next, {changed(a, ProcessState::Completed), changed(b, ProcessState::Broken)});
  EXPECT_EQ(stateRows(), std::vector<std::string>{row(b, ProcessState::Broken)});
  EXPECT_EQ(next.countProcesses().running, 1);
  EXPECT_EQ(listed(next, ProcessState::Running), idsOf({elsewhere}));
}

TEST_F(PgHorizons, anUnlistedProcessGetsARowWhenItLeavesRunning) {
  const ProcessRow a = startedAt(5);
  commit(store_, {a});
  commit(store_, {changed(a, ProcessState::Running)});  // as a pause writes it
  EXPECT_EQ(stateRows(), std::vector<std::string>{});
  commit(store_, {changed(a, ProcessState::Broken)});
  EXPECT_EQ(stateRows(), std::vector<std::string>{row(a, ProcessState::Broken)});
  EXPECT_EQ(listed(store_, ProcessState::Broken), idsOf({a}));
  EXPECT_EQ(listed(store_, ProcessState::Running), std::vector<Uuid>{});
  // Retried: listed from now on.
  commit(store_, {changed(a, ProcessState::Running)});
  EXPECT_EQ(stateRows(), std::vector<std::string>{row(a, ProcessState::Running)});
  EXPECT_EQ(listed(store_, ProcessState::Running), idsOf({a}));
  commit(store_, {changed(a, ProcessState::Aborted)});
  EXPECT_EQ(stateRows(), std::vector<std::string>{row(a, ProcessState::Aborted)});
  EXPECT_EQ(store_.countProcesses().aborted, 1);
}

TEST_F(PgHorizons, aCommitThatMovesAHorizonListsTheProcessesItPasses) {
  const std::int64_t start = nowMs();
  database_.query(fmt::format("UPDATE process_horizons SET listed_before = {}", start - 200));
  PgStore store(database_.url(), 8);
  const ProcessRow a = startedAt(1, start - 100);
  commit(store, {a});
  ASSERT_EQ(stateRows(), std::vector<std::string>{}) << "the horizon had not lagged enough";

  // The horizon moves when it lags kListAfterMs + kMoveEveryMs, to kListAfterMs behind.
  std::this_thread::sleep_for(std::chrono::milliseconds(pg::kListAfterMs + pg::kMoveEveryMs));
  const ProcessRow b = startedAt(1);
  const std::int64_t before = nowMs();
  commit(store, {b});
  EXPECT_EQ(stateRows(), std::vector<std::string>{row(a, ProcessState::Running)});
  EXPECT_GE(storedHorizon(1), before - pg::kListAfterMs);
  EXPECT_LE(storedHorizon(1), nowMs() - pg::kListAfterMs);
  EXPECT_EQ(storedHorizon(2), start - 200) << "a partition moves with the commits that write it";
  EXPECT_EQ(listed(store, ProcessState::Running), idsOf({b, a}));

  // a was listed: its end deletes its row.
  commit(store, {changed(a, ProcessState::Completed), changed(b, ProcessState::Completed)});
  EXPECT_EQ(stateRows(), std::vector<std::string>{});
}

// A node's horizons are never behind the stored ones of the partitions it writes (it learns
// them when it loads the partitions); if they were, the commit lists the process instead of
// leaving it below the horizon without a row, where no load would find it.
TEST_F(PgHorizons, aProcessBelowTheStoredHorizonIsListedWhateverTheStoreBelieves) {
  database_.query(fmt::format("UPDATE process_horizons SET listed_before = {} WHERE partition = 6",
                              nowMs() + 60'000));
  const ProcessRow a = startedAt(6);
  commit(store_, {a});
  EXPECT_EQ(stateRows(), std::vector<std::string>{row(a, ProcessState::Running)});
  EXPECT_EQ(idsOf(store_.loadLive(0, PartitionSet::of({6})).processes), idsOf({a}));
  // Loading the partition taught the store its horizon: the next process is listed from the
  // start, and known as listed.
  const ProcessRow b = startedAt(6);
  commit(store_, {b});
  commit(store_, {changed(b, ProcessState::Completed)});
  EXPECT_EQ(stateRows(), std::vector<std::string>{row(a, ProcessState::Running)});
}

// The walk of the running processes newest first merges the listed and the unlisted ones in
// order: it reads neither the whole of process_states nor the processes before the horizon.
TEST_F(PgHorizons, theRunningProcessesAreWalkedInOrderFromBothSources) {
  WriteBatch rows;
  for (int i = 0; i < 2'000; ++i) rows.processes.push_back(startedAt(i % 8, i + 1));
  store_.commit(rows);
  database_.query("ANALYZE");
  const std::string chosen = plan(fmt::format(
      "SELECT s.id FROM {} WHERE s.state = 0 ORDER BY s.started_at DESC, s.id DESC LIMIT 10",
      pg::processesInState(storedHorizon(0))));
  EXPECT_NE(chosen.find("Merge Append"), std::string::npos) << chosen;
  EXPECT_EQ(chosen.find("Seq Scan on process_states"), std::string::npos) << chosen;
  EXPECT_EQ(chosen.find("Seq Scan on processes"), std::string::npos) << chosen;
  EXPECT_NE(chosen.find("Index Only Scan Backward using process_states_pkey"), std::string::npos)
      << chosen;
  EXPECT_NE(chosen.find("Index Scan using processes_by_start"), std::string::npos) << chosen;
}

}  // namespace
}  // namespace pledge::server
