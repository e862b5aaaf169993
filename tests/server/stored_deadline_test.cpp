// The process deadline is stored with the process (docs/operations.md "Timeouts and
// cancellation"), for each store: the stored row answers it, so a process read from the store
// (running after a restart, dormant, ended, listed, archived by retention) shows it, and a process
// started without one shows none.
#include "timeouts_fixture.h"

namespace pledge::server::workflow::testing {
namespace {

class StoredDeadlines : public Timeouts {
 protected:
  // The deadline the engine gave the process when it started.
  std::int64_t deadlineOf(const Uuid& id) {
    std::optional<ProcessInfo> info = engine_->process(id);
    if (!info || !info->deadline) {
      ADD_FAILURE() << "process " << id.toString() << " has no deadline";
      return 0;
    }
    return *info->deadline;
  }
  // The process as a page of the process list shows it.
  std::optional<ProcessInfo> listed(const Uuid& id) {
    ProcessPage page = engine_->listProcesses(ProcessQuery{.actor = "D#1", .limit = 1000});
    for (ProcessInfo& item : page.items) {
      if (item.processId == id) return std::move(item);
    }
    ADD_FAILURE() << "process " << id.toString() << " is not listed";
    return std::nullopt;
  }
  // Everything that reads the process from the store answers this deadline.
  void expectStoredDeadline(const Uuid& id, std::optional<std::int64_t> deadline) {
    std::optional<ProcessRow> row = engine_->store().findProcess(id);
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->info.deadline, deadline);
    std::optional<ProcessInfo> item = listed(id);
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(item->deadline, deadline);
    EXPECT_EQ(engine_->process(id).value().deadline, deadline);
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, StoredDeadlines, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(StoredDeadlines, aRunningProcessesStoredRowAnswersItsDeadlineAfterARestart) {
  const std::int64_t before = epochMsNow();
  const Uuid id = startWith({.deadlineMs = 600'000});
  const std::int64_t deadline = deadlineOf(id);
  EXPECT_GE(deadline, before + 600'000);
  EXPECT_LE(deadline, epochMsNow() + 600'000);
  expectStoredDeadline(id, deadline);
  close();
  open();
  expectStoredDeadline(id, deadline);
}

TEST_P(StoredDeadlines, aDormantProcessAnswersItsDeadlineFromTheStore) {
  close();
  engineOptions_ = EngineOptions{.dormantAfterMs = 300, .wakeAheadMs = 100};
  open();
  const Uuid id = startWith({.deadlineMs = 600'000});
  const std::int64_t deadline = deadlineOf(id);
  decide({TaskSpec{.taskId = Uuid::random(),
                   .actor = "W#1",
                   .method = "later",
                   .options = {.startTime = epochMsNow() + 3'600'000}}});
  for (int i = 0; i < 300 && engine_->dormantProcesses() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(engine_->dormantProcesses(), 1);
  expectStoredDeadline(id, deadline);
}

TEST_P(StoredDeadlines, aProcessCompletedBeforeItsDeadlineKeepsItInTheStoreAndTheArchive) {
  const Uuid id = startWith({.deadlineMs = 600'000});
  const std::int64_t deadline = deadlineOf(id);
  std::vector<PolledTask> start = poll("D#1", 5000);
  ASSERT_EQ(start.size(), 1U);
  ASSERT_EQ(release(Decision{.taskId = start[0].taskId, .attempt = 1, .result = 7}).status,
            ReleaseStatus::Accepted);
  EXPECT_EQ(awaitEnd(id).result, 7);
  close();
  open();
  expectStoredDeadline(id, deadline);
  // Retention archives what endedBefore reads: the line it writes carries the deadline.
  std::vector<EndedProcess> ended =
      engine_->store().endedBefore(epochMsNow() + 1, 100, PartitionSet::all());
  ASSERT_EQ(ended.size(), 1U);
  EXPECT_EQ(ended[0].process.info.deadline, deadline);
}

TEST_P(StoredDeadlines, aProcessBrokenByItsDeadlineAnswersItAfterARestart) {
  const Uuid id = startWith({.deadlineMs = 500});
  const std::int64_t deadline = deadlineOf(id);
  expectDeadlinePassed(awaitNotRunning(id));
  close();
  open();
  expectStoredDeadline(id, deadline);
  expectDeadlinePassed(engine_->process(id).value());
}

TEST_P(StoredDeadlines, aProcessStartedWithoutADeadlineAnswersNone) {
  const Uuid id = startWith({});
  EXPECT_FALSE(engine_->process(id).value().deadline.has_value());
  expectStoredDeadline(id, std::nullopt);
  close();
  open();
  expectStoredDeadline(id, std::nullopt);
}

}  // namespace
}  // namespace pledge::server::workflow::testing
