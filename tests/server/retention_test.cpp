// Retention (docs/operations.md "Retention") over an engine, for each store: a pass archives
// then deletes the ended processes older than the retention age, in batches, of the partitions
// the node owns only; running ones stay; a customId of a deleted process starts a new one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>

#include "pledge/server/engine/engine.h"
#include "pledge/server/retention/retention.h"
#include "pledge/server/rest/rest_api.h"
#include "store_fixture.h"

namespace pledge::server {
namespace {

class RetentionOfEngine : public ::testing::TestWithParam<std::string> {
 protected:
  StartedProcess start(const std::string& actor, std::optional<std::string> customId = {}) {
    std::promise<Result<StartedProcess>> started;
    engine_->startProcess(
        StartRequest{.actor = actor, .method = "start", .options = {.customId = customId}},
        [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
    return started.get_future().get().value();
  }
  PolledTask pollOne(const std::string& actor) {
    std::promise<std::vector<PolledTask>> polled;
    engine_->poll(PollRequest{.worker = "t", .queues = {{actor, ""}}, .max = 1, .waitMs = 5000},
                  [&](std::vector<PolledTask> got) { polled.set_value(std::move(got)); });
    std::vector<PolledTask> tasks = polled.get_future().get();
    EXPECT_EQ(tasks.size(), 1U);
    return tasks.at(0);
  }
  void release(Decision decision) {
    std::promise<void> released;
    engine_->release({std::move(decision)},
                     [&](std::vector<ReleaseResult>) { released.set_value(); });
    released.get_future().wait();
  }
  // A process of two tasks (its start task forwards to a W#1 task), run to its end.
  Uuid completed(std::optional<std::string> customId = {}) {
    const Uuid id = start("D#1", std::move(customId)).processId;
    const PolledTask first = pollOne("D#1");
    const Uuid work = Uuid::random();
    release(Decision{.taskId = first.taskId,
                     .promise = work,
                     .tasks = {TaskSpec{.taskId = work, .actor = "W#1", .method = "go"}}});
    release(Decision{.taskId = pollOne("W#1").taskId, .result = "done"});
    std::promise<Result<ProcessInfo>> done;
    engine_->awaitProcess(id, 5000, [&](Result<ProcessInfo> p) { done.set_value(std::move(p)); });
    EXPECT_EQ(done.get_future().get().value().state, ProcessState::Completed);
    return id;
  }
  Uuid aborted() {
    const Uuid id = start("Idle#1").processId;
    std::promise<Result<ProcessInfo>> done;
    engine_->abort(id, [&](Result<ProcessInfo> p) { done.set_value(std::move(p)); });
    EXPECT_EQ(done.get_future().get().value().state, ProcessState::Aborted);
    return id;
  }
  std::unique_ptr<Retention> retention(RetentionOptions options,
                                       PartitionSet owned = PartitionSet::all()) {
    Engine* engine = engine_.get();
    return std::make_unique<Retention>(
        engine->store(), std::move(options), [owned] { return owned; },
        [engine](const EndedProcess& ended) {
          return archiveLineOf(ended, engine->options().defaultTimeoutMs);
        },
        nullptr);
  }
  std::vector<std::string> archivedLines() {
    std::vector<std::string> lines;
    for (const auto& file : std::filesystem::directory_iterator(archiveDir())) {
      std::ifstream in(file.path());
      for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    return lines;
  }

  // Where a pass writes its archive files.
  std::string archiveDir() const { return place_.dir() + "/archive"; }

  StorePlace place_{GetParam()};
  std::unique_ptr<Engine> engine_ = place_.openEngine();
};

INSTANTIATE_TEST_SUITE_P(Stores, RetentionOfEngine, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(RetentionOfEngine, aPassArchivesThenDeletesEachEndedProcessInBatchesAndKeepsRunningOnes) {
  std::map<Uuid, std::size_t> ended;  // id -> its number of tasks
  for (int i = 0; i < 4; ++i) ended[completed()] = 2;
  ended[aborted()] = 1;
  const Uuid running = start("Idle#1").processId;
  auto pass = retention({.maxAgeMs = 1'000, .archiveDir = archiveDir(), .batch = 2});
  const std::int64_t now = retentionNowMs() + 60'000;
  const RetentionPass done = pass->runPass(now);
  EXPECT_EQ(done.deletedProcesses, 5);
  EXPECT_EQ(done.deletedTasks, 9);
  EXPECT_EQ(done.batches, 3);  // 2 + 2 + 1
  for (const auto& [id, tasks] : ended) EXPECT_FALSE(engine_->process(id)) << id.toString();
  EXPECT_EQ(engine_->process(running)->state, ProcessState::Running);

  // One line per process, each once, with the process and its tasks as the API shows them.
  const std::vector<std::string> lines = archivedLines();
  ASSERT_EQ(lines.size(), ended.size());
  std::map<Uuid, int> seen;
  std::size_t bytes = 0;
  for (const std::string& line : lines) {
    bytes += line.size() + 1;
    const Json record = parseJson(line);
    const Uuid id = record["process"]["processId"].get<Uuid>();
    ASSERT_TRUE(ended.contains(id)) << line;
    ++seen[id];
    EXPECT_EQ(record["tasks"].size(), ended[id]) << line;
    EXPECT_EQ(record["tasks"][0]["start"], true) << line;
    const std::string state = record["process"]["state"].get<std::string>();
    EXPECT_TRUE(state == "completed" || state == "aborted") << line;
    if (ended[id] == 2) {
      EXPECT_EQ(record["process"]["result"], "done") << line;
      EXPECT_EQ(record["tasks"][1]["actor"], "W#1") << line;
    }
  }
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id.toString();
  const RetentionStatus status = pass->status();
  EXPECT_EQ(status.deletedProcesses, 5);
  EXPECT_EQ(status.archivedBytes, static_cast<std::int64_t>(bytes));
  EXPECT_EQ(status.lastRunAt, now);
  EXPECT_EQ(status.lastError, std::nullopt);
  EXPECT_EQ(status.oldestEndedAt, std::nullopt);
}

TEST_P(RetentionOfEngine, onlyProcessesOlderThanTheAgeAndOfTheOwnedPartitionsGo) {
  std::vector<Uuid> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(completed());
  const int owned = engine_->partitionOf(ids[0]);
  auto pass = retention({.maxAgeMs = 3'600'000}, PartitionSet::of({owned}));
  EXPECT_EQ(pass->runPass(retentionNowMs()).deletedProcesses, 0);  // all younger than an hour
  EXPECT_TRUE(pass->status().oldestEndedAt.has_value());
  const RetentionPass done = pass->runPass(retentionNowMs() + 7'200'000);
  std::int64_t inOwned = 0;
  for (const Uuid& id : ids) {
    const bool ownedHere = engine_->partitionOf(id) == owned;
    inOwned += ownedHere ? 1 : 0;
    EXPECT_EQ(engine_->process(id).has_value(), !ownedHere) << id.toString();
  }
  EXPECT_EQ(done.deletedProcesses, inOwned);
}

TEST_P(RetentionOfEngine, aStartWithTheCustomIdOfADeletedProcessStartsANewOne) {
  const Uuid first = completed("order-1");
  EXPECT_TRUE(start("D#1", "order-1").existing);
  retention({.maxAgeMs = 1'000})->runPass(retentionNowMs() + 60'000);
  const StartedProcess again = start("D#1", "order-1");
  EXPECT_FALSE(again.existing);
  EXPECT_NE(again.processId, first);
}

TEST_P(RetentionOfEngine, nothingIsDeletedThatCouldNotBeArchived) {
  const Uuid id = completed();
  const std::int64_t now = retentionNowMs() + 60'000;
  auto pass = retention({.maxAgeMs = 1'000, .archiveDir = archiveDir()});
  // The day's archive file cannot be opened for writing: a folder stands in its way.
  std::filesystem::create_directories(archiveDir() + "/" + archiveFileName(now));
  EXPECT_THROW(pass->runPass(now), Error);
  EXPECT_TRUE(engine_->process(id));
  const RetentionStatus status = pass->status();
  ASSERT_TRUE(status.lastError);
  EXPECT_NE(status.lastError->find("retention archive"), std::string::npos) << *status.lastError;
  EXPECT_EQ(status.deletedProcesses, 0);
}

TEST_P(RetentionOfEngine, aPassWhenRetentionIsOffIsAConflict) {
  completed();
  try {
    retention({})->runPass(retentionNowMs());
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Conflict);
  }
}

}  // namespace
}  // namespace pledge::server
