// Limits per actor and task list (docs/operations.md, "Limits"), for each store: maxRunning is
// never exceeded, a release or a lease expiry frees a slot for a parked poll, the token bucket
// hands out at most its burst and then refills, a task list's limit leaves the others alone, an
// actor's limit counts all its task lists, limits survive a restart, other actors never wait.
// No test asserts timing: counts, and upper bounds.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "store_fixture.h"

namespace pledge::server {
namespace {

constexpr std::int64_t kLongWaitMs = 30'000;

class Limits : public ::testing::TestWithParam<std::string> {
 protected:
  Limits() { open(); }
  void open(EngineOptions options = {}) {
    engine_.reset();
    engine_ = place_.openEngine(std::move(options), &metrics_);
  }
  void startMany(const std::string& actor, int count, const std::string& taskList = "") {
    for (int i = 0; i < count; ++i) {
      std::promise<Result<StartedProcess>> started;
      StartRequest request{.actor = actor, .method = "start"};
      if (!taskList.empty()) request.options.taskList = taskList;
      engine_->startProcess(request,
                            [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
      ASSERT_TRUE(started.get_future().get().ok());
    }
  }
  // A poll answered in the future (it may wait up to waitMs).
  std::future<std::vector<PolledTask>> pollLater(std::vector<QueueSelector> queues, int max,
                                                 std::int64_t waitMs) {
    auto polled = std::make_shared<std::promise<std::vector<PolledTask>>>();
    std::future<std::vector<PolledTask>> answer = polled->get_future();
    engine_->poll(PollRequest{.worker = "t", .queues = std::move(queues), .max = max,
                              .waitMs = waitMs},
                  [polled](std::vector<PolledTask> got) { polled->set_value(std::move(got)); });
    return answer;
  }
  std::vector<PolledTask> poll(const std::string& actor, int max,
                               const std::string& taskList = "") {
    return pollLater({{actor, taskList}}, max, 0).get();
  }
  ReleaseStatus release(const PolledTask& task) {
    std::promise<std::vector<ReleaseResult>> released;
    engine_->release({Decision{.taskId = task.taskId, .attempt = task.attempt, .result = 1}},
                     [&](std::vector<ReleaseResult> r) { released.set_value(std::move(r)); });
    return released.get_future().get().at(0).status;
  }
  std::optional<QueueStats> queue(const std::string& actor, const std::string& taskList = "") {
    for (QueueStats& stats : engine_->queues()) {
      if (stats.actor == actor && stats.taskList == taskList) return stats;
    }
    return std::nullopt;
  }
  // Waits (bounded) for a poll that should be answered with tasks long before its own waitMs.
  static std::vector<PolledTask> answered(std::future<std::vector<PolledTask>>& later) {
    if (later.wait_for(std::chrono::seconds(20)) != std::future_status::ready) return {};
    return later.get();
  }

  StorePlace place_{GetParam()};
  Metrics metrics_;
  std::unique_ptr<Engine> engine_;
};

INSTANTIATE_TEST_SUITE_P(Stores, Limits, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(Limits, maxRunningIsNeverExceededWhileManyTasksAreReady) {
  engine_->setLimit(TaskLimit{.actor = "L#1", .maxRunning = 3});
  startMany("L#1", 10);
  EXPECT_EQ(poll("L#1", 10).size(), 3U);
  EXPECT_TRUE(poll("L#1", 10).empty());
  std::optional<QueueStats> stats = queue("L#1");
  ASSERT_TRUE(stats && stats->limit);
  EXPECT_EQ(stats->running, 3);
  EXPECT_EQ(stats->limit->running, 3);
  EXPECT_EQ(stats->limit->limit.maxRunning, 3);
  EXPECT_EQ(stats->held, 7);
  EXPECT_GE(stats->limit->heldTotal, 1);
  EXPECT_NE(metrics_.scrape({}, 0, 0).find("pledge_limit_held_total{actor=\"L#1\",task_list=\"\"}"),
            std::string::npos);
}

TEST_P(Limits, aReleaseFreesASlotAndAParkedPollGetsTheNextTask) {
  engine_->setLimit(TaskLimit{.actor = "L#1", .maxRunning = 1});
  startMany("L#1", 3);
  std::vector<PolledTask> first = poll("L#1", 10);
  ASSERT_EQ(first.size(), 1U);
  // Parked for far longer than the test waits: only the freed slot can answer it in time.
  auto parked = pollLater({{"L#1", ""}}, 10, kLongWaitMs);
  EXPECT_EQ(parked.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  EXPECT_EQ(release(first[0]), ReleaseStatus::Accepted);
  std::vector<PolledTask> next = answered(parked);
  ASSERT_EQ(next.size(), 1U);
  EXPECT_NE(next[0].taskId, first[0].taskId);
}

TEST_P(Limits, aLeaseExpiryFreesASlot) {
  open(EngineOptions{.defaultTimeoutMs = 300});
  engine_->setLimit(TaskLimit{.actor = "L#1", .maxRunning = 1});
  startMany("L#1", 2);
  ASSERT_EQ(poll("L#1", 10).size(), 1U);
  // Never released: its lease runs out, and the parked poll gets a task (either one).
  auto parked = pollLater({{"L#1", ""}}, 10, kLongWaitMs);
  EXPECT_EQ(answered(parked).size(), 1U);
}

TEST_P(Limits, theTokenBucketHandsOutAtMostItsBurstThenRefills) {
  // One token every 2 s: the polls right after the burst get at most one more.
  engine_->setLimit(TaskLimit{.actor = "L#1", .perSecond = 0.5, .burst = 3});
  startMany("L#1", 10);
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(poll("L#1", 10).size(), 3U);
  const std::size_t soon = poll("L#1", 10).size();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  EXPECT_LE(static_cast<double>(soon), elapsed * 0.5 + 1) << "beyond the bucket's rate";
  // A parked poll is woken by the next token, not by its own wait.
  auto parked = pollLater({{"L#1", ""}}, 10, kLongWaitMs);
  std::vector<PolledTask> refilled = answered(parked);
  EXPECT_GE(refilled.size(), 1U);
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  EXPECT_LE(static_cast<double>(3 + soon + refilled.size()), 3 + total * 0.5 + 1);
}

TEST_P(Limits, aLimitOnOneTaskListDoesNotAffectAnother) {
  engine_->setLimit(TaskLimit{.actor = "L#1", .taskList = "slow", .maxRunning = 1});
  startMany("L#1", 3, "slow");
  startMany("L#1", 3);
  EXPECT_EQ(poll("L#1", 10, "slow").size(), 1U);
  EXPECT_EQ(poll("L#1", 10).size(), 3U);
  EXPECT_FALSE(queue("L#1")->limit);
  EXPECT_EQ(queue("L#1", "slow")->held, 2);
}

TEST_P(Limits, anActorsLimitCountsAllItsTaskLists) {
  engine_->setLimit(TaskLimit{.actor = "L#1", .maxRunning = 2});
  startMany("L#1", 2, "a");
  startMany("L#1", 2, "b");
  EXPECT_EQ(poll("L#1", 10, "a").size(), 2U);
  EXPECT_TRUE(poll("L#1", 10, "b").empty());
  EXPECT_EQ(queue("L#1", "b")->limit->running, 2);
}

TEST_P(Limits, otherActorsAreNeverHeldBehindALimitedOne) {
  engine_->setLimit(TaskLimit{.actor = "L#1", .maxRunning = 1});
  startMany("L#1", 3);
  startMany("O#1", 3);
  // One poll of both queues: the limited actor's first, the other's all.
  EXPECT_EQ(pollLater({{"L#1", ""}, {"O#1", ""}}, 10, 0).get().size(), 4U);
  // A poll parked on the limited actor does not keep the other's tasks from anyone.
  auto parked = pollLater({{"L#1", ""}}, 10, kLongWaitMs);
  startMany("O#1", 2);
  EXPECT_EQ(poll("O#1", 10).size(), 2U);
  engine_->clearLimit("L#1", "");
  EXPECT_EQ(answered(parked).size(), 2U) << "clearing the limit serves the parked poll";
}

TEST_P(Limits, limitsSurviveARestart) {
  engine_->setLimit(TaskLimit{.actor = "L#1", .maxRunning = 1, .perSecond = 100});
  engine_->setLimit(TaskLimit{.actor = "L#1", .taskList = "x", .perSecond = 2.5, .burst = 4});
  startMany("L#1", 3);
  open();
  std::vector<LimitStats> limits = engine_->limits();
  ASSERT_EQ(limits.size(), 2U);
  EXPECT_EQ(limits[0].limit, (TaskLimit{.actor = "L#1", .maxRunning = 1, .perSecond = 100}));
  EXPECT_EQ(limits[1].limit,
            (TaskLimit{.actor = "L#1", .taskList = "x", .perSecond = 2.5, .burst = 4}));
  // Loaded tasks are queued after the next commit: a poll that may wait gets them.
  EXPECT_EQ(pollLater({{"L#1", ""}}, 10, 5000).get().size(), 1U);
  EXPECT_TRUE(engine_->clearLimit("L#1", "x"));
  EXPECT_FALSE(engine_->clearLimit("L#1", "x"));
  open();
  EXPECT_EQ(engine_->limits().size(), 1U);
}

TEST_P(Limits, eachOfSeveralNodesAppliesItsShare) {
  engine_->setLimit(TaskLimit{.actor = "L#1", .maxRunning = 5});
  std::vector<TaskLimit> stored;
  for (const LimitStats& limit : engine_->limits()) stored.push_back(limit.limit);
  engine_->syncLimits(stored, 2);
  startMany("L#1", 10);
  EXPECT_EQ(poll("L#1", 10).size(), 3U) << "ceil(5 / 2)";
  EXPECT_EQ(engine_->limits().at(0).nodeMaxRunning, 3);
  engine_->syncLimits(stored, 1);
  EXPECT_EQ(poll("L#1", 10).size(), 2U);
}

TEST_P(Limits, badLimitsAreRefusedNamingTheField) {
  auto refusal = [&](const TaskLimit& limit) -> std::string {
    try {
      engine_->setLimit(limit);
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::BadRequest);
      return error.message();
    }
    return "accepted";
  };
  EXPECT_EQ(refusal({.actor = "L#1", .maxRunning = 0}).rfind("maxRunning:", 0), 0U);
  EXPECT_EQ(refusal({.actor = "L#1", .maxRunning = -3}).rfind("maxRunning:", 0), 0U);
  EXPECT_EQ(refusal({.actor = "L#1", .perSecond = 0, .burst = 3}).rfind("perSecond:", 0), 0U);
  EXPECT_EQ(refusal({.actor = "L#1", .burst = 3}).rfind("burst:", 0), 0U);
  EXPECT_EQ(refusal({.actor = "L#1", .perSecond = 1, .burst = 0}).rfind("burst:", 0), 0U);
  EXPECT_EQ(refusal({.actor = "L#1"}).rfind("maxRunning:", 0), 0U);
  EXPECT_EQ(refusal({.actor = "no-version", .maxRunning = 1}).rfind("actor:", 0), 0U);
  EXPECT_TRUE(engine_->limits().empty());
}

}  // namespace
}  // namespace pledge::server
