// The engine over a store that fails on demand (a wrapper of a real SQLite store): a failed
// commit or read changes nothing acknowledged, the engine answers Unavailable meanwhile and
// serves again by itself once the store does, a retried release is applied (not answered
// "duplicate" from memory), and a start whose commit outcome was unknown is not started twice.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "faulty_store.h"
#include "pledge/server/engine/engine.h"
#include "pledge/server/store/sqlite_store.h"

namespace pledge::server {
namespace {

using std::chrono::milliseconds;

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
