// The engine over a store that fails on demand (a wrapper of a real SQLite store): a failed
// commit or read changes nothing acknowledged, the engine answers Unavailable meanwhile and
// serves again by itself once the store does, a retried release is applied (not answered
// "duplicate" from memory), and a start whose commit outcome was unknown is not started twice.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "pledge/server/engine/engine.h"
#include "pledge/server/store/sqlite_store.h"

namespace pledge::server {
namespace {

using std::chrono::milliseconds;

// A Store that forwards to a real one and fails when told to. Thread-safe.
class FaultyStore final : public Store {
 public:
  explicit FaultyStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

  // Commits fail (nothing written) while set.
  std::atomic<bool> failCommits{false};
  // The next n commits are written, then reported failed (the outcome a client cannot know).
  std::atomic<int> commitThenFail{0};
  // Reads of tasks and processes fail while set.
  std::atomic<bool> failReads{false};
  // Runs before each findStarts (to hold a start between its memory check and its lookup).
  std::function<void()> beforeFindStarts;

  int partitions() const override { return inner_->partitions(); }
  EventAnswers commit(const WriteBatch& batch) override {
    if (batch.empty()) return {};
    if (failCommits)
      throw Error(ErrorCode::Internal, "SQLite: COMMIT: database or disk is full (injected)");
    EventAnswers answers = inner_->commit(batch);
    if (commitThenFail > 0) {
      --commitThenFail;
      throw Error(ErrorCode::Unavailable, "connection lost during COMMIT (injected)");
    }
    return answers;
  }
  std::vector<EventDeliveryRow> pendingDeliveries(const PartitionSet& partitions,
                                                  int limit) override {
    readCheck();
    return inner_->pendingDeliveries(partitions, limit);
  }
  std::vector<KeptEvent> keptEvents(const std::optional<std::string>& name, std::int64_t now,
                                    int limit) override {
    readCheck();
    return inner_->keptEvents(name, now, limit);
  }
  std::int64_t expireEvents(std::int64_t now, std::int64_t idsBefore) override {
    if (failCommits) throw Error(ErrorCode::Internal, "still full (injected)");
    return inner_->expireEvents(now, idsBefore);
  }
  void checkWritable() override {
    if (failCommits) throw Error(ErrorCode::Internal, "still full (injected)");
    inner_->checkWritable();
  }
  LiveState loadLive(std::int64_t horizon, const PartitionSet& partitions) override {
    readCheck();
    return inner_->loadLive(horizon, partitions);
  }
  std::vector<Uuid> dormantDue(std::int64_t horizon, int limit,
                               const PartitionSet& partitions) override {
    return inner_->dormantDue(horizon, limit, partitions);
  }
  LiveState loadProcesses(const std::vector<Uuid>& ids) override {
    readCheck();
    return inner_->loadProcesses(ids);
  }
  std::int64_t countDormant(std::int64_t dueBy, const PartitionSet& partitions) override {
    return inner_->countDormant(dueBy, partitions);
  }
  std::optional<ProcessRow> findProcess(const Uuid& id) override {
    readCheck();
    return inner_->findProcess(id);
  }
  std::optional<Uuid> findProcessByCustomId(const std::string& customId) override {
    readCheck();
    return inner_->findProcessByCustomId(customId);
  }
  std::vector<std::optional<StartedProcess>> findStarts(
      const std::vector<StartKey>& keys) override {
    if (beforeFindStarts) beforeFindStarts();
    readCheck();
    return inner_->findStarts(keys);
  }
  std::optional<TaskRow> findTask(const Uuid& id) override {
    readCheck();
    return inner_->findTask(id);
  }
  std::vector<TaskRow> processTasks(const Uuid& processId) override {
    return inner_->processTasks(processId);
  }
  ProcessPage listProcesses(const ProcessQuery& query) override {
    return inner_->listProcesses(query);
  }
  ProcessCounts countProcesses() override { return inner_->countProcesses(); }
  std::vector<EndedProcess> endedBefore(std::int64_t cutoff, int limit,
                                        const PartitionSet& partitions) override {
    return inner_->endedBefore(cutoff, limit, partitions);
  }
  DeletedRows deleteEnded(const std::vector<Uuid>& ids) override {
    return inner_->deleteEnded(ids);
  }
  std::optional<std::int64_t> oldestEnded(const PartitionSet& partitions) override {
    return inner_->oldestEnded(partitions);
  }
  void setActorBlocked(const std::string& actor, bool blocked) override {
    inner_->setActorBlocked(actor, blocked);
  }
  std::vector<std::string> blockedActors() override { return inner_->blockedActors(); }
  void setLimit(const TaskLimit& limit) override { inner_->setLimit(limit); }
  bool deleteLimit(const std::string& actor, const std::string& taskList) override {
    return inner_->deleteLimit(actor, taskList);
  }
  std::vector<TaskLimit> limits() override { return inner_->limits(); }
  bool putWorkflow(const WorkflowRow& row) override { return inner_->putWorkflow(row); }
  std::optional<WorkflowRow> findWorkflow(const std::string& name,
                                          std::optional<int> version) override {
    return inner_->findWorkflow(name, version);
  }
  std::vector<WorkflowRow> listWorkflows() override { return inner_->listWorkflows(); }
  std::optional<ScheduleRow> insertSchedule(const ScheduleRow& row) override {
    return inner_->insertSchedule(row);
  }
  bool updateSchedule(const ScheduleRow& row) override { return inner_->updateSchedule(row); }
  std::optional<ScheduleRow> findSchedule(const std::string& id) override {
    return inner_->findSchedule(id);
  }
  std::vector<ScheduleRow> listSchedules() override { return inner_->listSchedules(); }
  bool deleteSchedule(const std::string& id) override { return inner_->deleteSchedule(id); }

 private:
  void readCheck() const {
    if (failReads) throw Error(ErrorCode::Internal, "SQLite: disk I/O error (injected)");
  }

  std::unique_ptr<Store> inner_;
};

class StoreFaults : public ::testing::Test {
 protected:
  StoreFaults() {
    char pattern[] = "/tmp/pledge-faults-XXXXXX";
    dir_ = mkdtemp(pattern);
    auto store = std::make_unique<FaultyStore>(std::make_unique<SqliteStore>(dir_, 8));
    store_ = store.get();
    engine_ = std::make_unique<Engine>(
        std::move(store), EngineOptions{.reloadFirstMs = 20, .reloadMaxMs = 100}, &metrics_);
  }
  ~StoreFaults() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  Result<StartedProcess> start(StartOptions options = {}) {
    std::promise<Result<StartedProcess>> done;
    engine_->startProcess(
        StartRequest{.actor = "D#1", .method = "start", .options = std::move(options)},
        [&](Result<StartedProcess> started) { done.set_value(std::move(started)); });
    return done.get_future().get();
  }

  std::vector<PolledTask> poll(std::int64_t waitMs = 0) {
    std::promise<std::vector<PolledTask>> done;
    engine_->poll(PollRequest{.worker = "t", .queues = {{"D#1", ""}}, .max = 10, .waitMs = waitMs},
                  [&](std::vector<PolledTask> tasks) { done.set_value(std::move(tasks)); });
    return done.get_future().get();
  }

  ReleaseResult release(const PolledTask& task, Json value) {
    std::promise<std::vector<ReleaseResult>> done;
    engine_->release(
        {Decision{.taskId = task.taskId, .attempt = task.attempt, .result = std::move(value)}},
        [&](std::vector<ReleaseResult> results) { done.set_value(std::move(results)); });
    return done.get_future().get().at(0);
  }

  // Waits until the engine says the store takes writes again.
  void waitUntilServing() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (engine_->storeProblem() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    ASSERT_FALSE(engine_->storeProblem()) << "still not serving: " << *engine_->storeProblem();
  }

  std::size_t storedProcesses() {
    return store_->listProcesses(ProcessQuery{.limit = 1000}).items.size();
  }

  std::string dir_;
  Metrics metrics_;
  FaultyStore* store_ = nullptr;
  std::unique_ptr<Engine> engine_;
};

TEST_F(StoreFaults, aFailedCommitIsUnavailableThenTheRetriedReleaseIsApplied) {
  Result<StartedProcess> started = start();
  ASSERT_TRUE(started.ok());
  PolledTask task = poll().at(0);

  store_->failCommits = true;
  ReleaseResult refused = release(task, 42);
  EXPECT_EQ(refused.status, ReleaseStatus::Rejected);
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(refused.error->code(), ErrorCode::Unavailable);
  ASSERT_TRUE(engine_->storeProblem());
  EXPECT_NE(engine_->storeProblem()->find("disk is full"), std::string::npos);

  // Writes are refused, naming the store's problem; reads are served from the store.
  Result<StartedProcess> another = start();
  ASSERT_FALSE(another.ok());
  EXPECT_EQ(another.error().code(), ErrorCode::Unavailable);
  EXPECT_NE(another.error().message().find("the store cannot be written now"), std::string::npos)
      << another.error().message();
  EXPECT_TRUE(poll().empty());
  std::optional<ProcessInfo> process = engine_->process(started.value().processId);
  ASSERT_TRUE(process);
  EXPECT_EQ(process->state, ProcessState::Running) << "the refused release changed nothing";

  store_->failCommits = false;
  waitUntilServing();
  // The holder of the lease retries: applied, not "duplicate".
  ReleaseResult retried = release(task, 42);
  EXPECT_EQ(retried.status, ReleaseStatus::Accepted)
      << (retried.error ? retried.error->message() : "");
  process = engine_->process(started.value().processId);
  EXPECT_EQ(process->state, ProcessState::Completed);
  EXPECT_EQ(process->result, Json(42));
  EXPECT_NE(metrics_.scrape({}, 0, 0).find("pledge_store_commit_failures_total 1"),
            std::string::npos);
}

TEST_F(StoreFaults, aStartWhoseCommitOutcomeWasUnknownIsNotStartedTwice) {
  store_->commitThenFail = 1;
  Result<StartedProcess> first = start({.requestId = "request-1"});
  ASSERT_FALSE(first.ok()) << "the client never learnt that it committed";
  EXPECT_EQ(first.error().code(), ErrorCode::Unavailable);
  waitUntilServing();
  Result<StartedProcess> retry = start({.requestId = "request-1"});
  ASSERT_TRUE(retry.ok()) << retry.error().message();
  EXPECT_TRUE(retry.value().existing);
  EXPECT_EQ(storedProcesses(), 1u);
  // The same for a customId, and a new request is a new process.
  store_->commitThenFail = 1;
  EXPECT_FALSE(start({.customId = "order-7"}).ok());
  waitUntilServing();
  Result<StartedProcess> again = start({.customId = "order-7", .requestId = "request-2"});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value().existing);
  Result<StartedProcess> fresh = start({.requestId = "request-3"});
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh.value().existing);
  EXPECT_EQ(storedProcesses(), 3u);
}

TEST_F(StoreFaults, aRetryOfAStartWhoseProcessEndedMeanwhileFindsIt) {
  // Two tries of one start: the second checks memory, then waits for its store lookup while
  // the first starts the process, which completes and leaves memory. It must still find it.
  std::promise<void> lookupStarted;
  std::promise<void> processEnded;
  std::shared_future<void> ended = processEnded.get_future().share();
  std::atomic<int> lookups{0};
  store_->beforeFindStarts = [&] {
    if (lookups++ == 0) {
      lookupStarted.set_value();
      ended.wait();
    }
  };
  auto second = std::async(std::launch::async, [&] { return start({.requestId = "r"}); });
  lookupStarted.get_future().wait();
  Result<StartedProcess> first = start({.requestId = "r"});
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first.value().existing);
  EXPECT_EQ(release(poll().at(0), "done").status, ReleaseStatus::Accepted);
  EXPECT_EQ(engine_->process(first.value().processId)->state, ProcessState::Completed);
  std::this_thread::sleep_for(milliseconds(50));  // the ended process leaves memory
  processEnded.set_value();
  Result<StartedProcess> retried = second.get();
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried.value().processId, first.value().processId);
  EXPECT_TRUE(retried.value().existing);
  EXPECT_EQ(storedProcesses(), 1u);
}

TEST_F(StoreFaults, aFailedReadChangesNothingAndTheReleaseCanBeRetried) {
  Result<StartedProcess> started = start();
  PolledTask task = poll().at(0);
  EXPECT_EQ(release(task, 1).status, ReleaseStatus::Accepted);
  std::this_thread::sleep_for(milliseconds(50));  // the completed process leaves memory
  store_->failReads = true;
  ReleaseResult late = release(task, 1);
  EXPECT_EQ(late.status, ReleaseStatus::Rejected);
  EXPECT_EQ(late.error->code(), ErrorCode::Unavailable);
  EXPECT_FALSE(engine_->storeProblem()) << "a failed read is no failed commit";
  Result<StartedProcess> keyed = start({.customId = "k"});
  ASSERT_FALSE(keyed.ok());
  EXPECT_NE(keyed.error().message().find("cannot tell whether this start ran already"),
            std::string::npos);
  store_->failReads = false;
  EXPECT_EQ(release(task, 1).status, ReleaseStatus::Duplicate);
  EXPECT_TRUE(start({.customId = "k"}).ok());
  EXPECT_EQ(storedProcesses(), 2u);
  (void)started;
}

}  // namespace
}  // namespace pledge::server
