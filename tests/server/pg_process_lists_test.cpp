// PostgreSQL's lists of processes by state and by end (store/pg_process_lists.h): no index of
// processes names its state or end, so that an end is a HOT update; the commit keeps the lists
// true through every state a process takes, and the loads, lists, counts and retention read them.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "pg_store_fixture.h"
#include "store/pg_process_lists.h"

namespace pledge::server {
namespace {

class PgProcessLists : public PgStoreFixture {
 protected:
  std::vector<Uuid> listed(ProcessState state) {
    std::vector<Uuid> ids;
    for (const ProcessInfo& info : store_.listProcesses({.state = state}).items) {
      ids.push_back(info.processId);
    }
    return ids;
  }

  void commit(std::initializer_list<ProcessRow> rows) {
    store_.commit(WriteBatch{std::vector<ProcessRow>(rows), {}});
    EXPECT_EQ(disagreements(), std::vector<std::string>{});
  }
};

ProcessRow changed(ProcessRow row, ProcessState state, std::optional<std::int64_t> endedAt) {
  row.isNew = false;
  row.info.state = state;
  row.info.endedAt = endedAt;
  if (state == ProcessState::Completed) row.info.result = 7;
  return row;
}

TEST_F(PgProcessLists, noIndexOfProcessesNamesItsStateOrItsEnd) {
  // Any index whose key, expression or predicate names a column an update changes makes that
  // update write an entry in every index (not HOT).
  EXPECT_EQ(database_.query(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN "
                "pg_attribute a ON a.attrelid = x.indrelid AND a.attname IN ('state', "
                "'ended_at', 'result', 'error', 'failed_task') WHERE x.indrelid = "
                "'processes'::regclass AND (a.attnum = ANY(x.indkey) OR "
                "coalesce(pg_get_expr(x.indpred, x.indrelid), '') ~ a.attname OR "
                "coalesce(pg_get_expr(x.indexprs, x.indrelid), '') ~ a.attname)"),
            std::vector<std::string>{});
  EXPECT_EQ(database_.query("SELECT reloptions::text FROM pg_class WHERE relname = 'processes'"),
            std::vector<std::string>{"{fillfactor=50}"});
}

// A node of a version before schema 15 would write processes without their list rows; its lease
// check no longer exists, so each of its commits fails instead.
TEST_F(PgProcessLists, theLeaseCheckOfTheVersionBeforeIsGone) {
  EXPECT_THROW(database_.query("SELECT pledge_hold_leases('{1}', 'a')"), std::exception);
  EXPECT_EQ(database_.query("SELECT count(*) FROM pg_proc WHERE proname = 'pledge_fence_commit'"),
            std::vector<std::string>{"1"});
}

TEST_F(PgProcessLists, theListsFollowEveryStateAProcessTakes) {
  ProcessRow a = processIn(1);
  ProcessRow b = processIn(2);
  ProcessRow c = changed(processIn(3), ProcessState::Completed, 40);  // new and done at once
  c.isNew = true;
  b.info.startedAt = 2;
  commit({a, b, c});
  EXPECT_EQ(listed(ProcessState::Running), (std::vector<Uuid>{b.info.processId, a.info.processId}));

  commit({changed(a, ProcessState::Broken, std::nullopt), changed(b, ProcessState::Aborted, 50)});
  EXPECT_EQ(listed(ProcessState::Broken), std::vector<Uuid>{a.info.processId});
  EXPECT_EQ(listed(ProcessState::Aborted), std::vector<Uuid>{b.info.processId});
  EXPECT_EQ(listed(ProcessState::Running), std::vector<Uuid>{});
  EXPECT_EQ(store_.loadLive(0, PartitionSet::all()).processes.size(), 1u) << "the broken one";

  // A restart, then a write that changes nothing of the lists (as a pause does), then the end.
  commit({changed(a, ProcessState::Running, std::nullopt)});
  commit({changed(a, ProcessState::Running, std::nullopt)});
  EXPECT_EQ(listed(ProcessState::Running), std::vector<Uuid>{a.info.processId});
  commit({changed(a, ProcessState::Completed, 60)});
  // An ended row written again keeps its one end.
  commit({changed(a, ProcessState::Completed, 60)});

  EXPECT_EQ(listed(ProcessState::Completed),
            (std::vector<Uuid>{c.info.processId, a.info.processId}));
  const ProcessCounts counts = store_.countProcesses();
  EXPECT_EQ(counts.running, 0);
  EXPECT_EQ(counts.broken, 0);
  EXPECT_EQ(counts.completed, 2);
  EXPECT_EQ(counts.aborted, 1);
  EXPECT_TRUE(store_.loadLive(0, PartitionSet::all()).processes.empty());

  // Retention reads the ends in order and deletes the rows of both lists.
  EXPECT_EQ(store_.oldestEnded(PartitionSet::all()), 40);
  std::vector<Uuid> due;
  for (const EndedProcess& ended : store_.endedBefore(55, 10, PartitionSet::all())) {
    due.push_back(ended.process.info.processId);
  }
  EXPECT_EQ(due, (std::vector<Uuid>{c.info.processId, b.info.processId}));
  EXPECT_EQ(store_.deleteEnded(due).processes, 2);
  EXPECT_EQ(disagreements(), std::vector<std::string>{});
  EXPECT_EQ(database_.query("SELECT count(*) FROM process_states"), std::vector<std::string>{"0"});
  EXPECT_EQ(store_.oldestEnded(PartitionSet::all()), 60);
}

// A commit that ends processes finds their rows of process_states by the key, however many live
// processes the table holds: a plan that reads the whole table made each commit's cost grow
// with the processes in flight.
TEST_F(PgProcessLists, endsProbeTheKeyOfTheStateList) {
  database_.query("ALTER TABLE process_states SET (autovacuum_enabled = false)");
  std::vector<ProcessRow> started;
  for (int batch = 0; batch < 5; ++batch) {
    WriteBatch rows;
    for (int i = 0; i < 1'000; ++i) {
      rows.processes.push_back(processIn(i % 8));
      rows.processes.back().info.startedAt = batch * 1'000 + i;
    }
    store_.commit(rows);
    started.insert(started.end(), rows.processes.begin(), rows.processes.end());
  }
  std::string ids;
  std::string startedAt;
  std::string states;
  for (int i = 0; i < 200; ++i) {
    const ProcessRow& row = started[static_cast<std::size_t>(i * 7)];
    ids += fmt::format("{}{}", ids.empty() ? "" : ",", row.info.processId.toString());
    startedAt += fmt::format("{}{}", startedAt.empty() ? "" : ",", row.info.startedAt);
    states += fmt::format("{}1", states.empty() ? "" : ",");
  }
  std::string sql = pg::kLeaveOtherStates;
  sql.replace(sql.find("$1"), 2, "'{" + ids + "}'");
  sql.replace(sql.find("$2"), 2, "'{" + startedAt + "}'");
  sql.replace(sql.find("$3"), 2, "'{" + states + "}'");
  const std::string chosen = plan(sql);
  EXPECT_EQ(chosen.find("Seq Scan on process_states"), std::string::npos) << chosen;
  EXPECT_EQ(chosen.find("Hash"), std::string::npos) << chosen;
  EXPECT_NE(chosen.find("Index Scan using process_states_pkey"), std::string::npos) << chosen;
}

}  // namespace
}  // namespace pledge::server
