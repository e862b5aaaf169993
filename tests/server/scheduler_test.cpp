// Schedules fired by the Scheduler on a real engine and store (each store), on a clock of the
// test: the derived customIds, restarts, the overlap policies, catch-up, pause and jitter.
#include "pledge/server/schedule/scheduler.h"

#include <gtest/gtest.h>

#include <future>

#include "store_fixture.h"

namespace pledge::server {
namespace {

// A fire time of "@every 10s" (a multiple of 10 s).
constexpr std::int64_t kT0 = 1'800'000'000'000;

class Scheduling : public ::testing::TestWithParam<std::string> {
 protected:
  Scheduling() { open(); }
  ~Scheduling() override { close(); }

  void open() {
    engine_ = place_.openEngine({}, &metrics_);
    scheduler_ = std::make_unique<Scheduler>(
        *engine_, &metrics_,
        [this](Json start, std::function<void(Result<StartedProcess>)> done) {
          engine_->startProcess(start.get<StartRequest>(), std::move(done));
        },
        SchedulerOptions{.clock = [this] { return now_; }});
  }
  void close() {
    scheduler_.reset();
    engine_.reset();
  }

  static Schedule every10s(const std::string& id, OverlapPolicy overlap,
                           std::int64_t catchupWindowMs = 0, std::int64_t jitterMs = 0) {
    return Schedule{.id = id,
                    .cron = "@every 10s",
                    .start = {{"actor", "D#1"}, {"method", "start"}, {"args", {1}}},
                    .overlap = overlap,
                    .catchupWindowMs = catchupWindowMs,
                    .jitterMs = jitterMs};
  }

  // The customIds of the processes the schedule started, in order.
  std::vector<std::string> fired(const std::string& id) {
    std::vector<std::string> customIds;
    for (const ProcessInfo& process : engine_->listProcesses(ProcessQuery{.limit = 1000}).items) {
      if (process.customId && process.customId->starts_with("schedule:" + id + "@")) {
        customIds.push_back(*process.customId);
      }
    }
    std::sort(customIds.begin(), customIds.end());
    return customIds;
  }
  static std::string fireId(const std::string& id, std::int64_t at) {
    return scheduleFireCustomId(id, at);
  }
  void tickAt(std::int64_t at) {
    now_ = at;
    scheduler_->tick();
  }
  void end(const Uuid& processId) {
    std::promise<Result<ProcessInfo>> done;
    engine_->abort(processId, [&](Result<ProcessInfo> info) { done.set_value(std::move(info)); });
    ASSERT_TRUE(done.get_future().get().ok());
  }

  StorePlace place_{GetParam()};
  Metrics metrics_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Scheduler> scheduler_;
  std::int64_t now_ = kT0 + 1;
};

INSTANTIATE_TEST_SUITE_P(Stores, Scheduling, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(Scheduling, eachFireStartsOneProcessWithTheDerivedCustomIdAlsoAcrossARestart) {
  PutOutcome put = scheduler_->create(every10s("s", OverlapPolicy::Allow));
  EXPECT_TRUE(put.created);
  EXPECT_EQ(put.schedule.nextFireAt, kT0 + 10'000);
  tickAt(kT0 + 9'999);
  EXPECT_TRUE(fired("s").empty());
  tickAt(kT0 + 10'000);
  tickAt(kT0 + 10'001);
  ASSERT_EQ(fired("s"), std::vector<std::string>{fireId("s", kT0 + 10'000)});
  Schedule state = scheduler_->get("s");
  EXPECT_EQ(state.lastFireAt, kT0 + 10'000);
  EXPECT_EQ(state.nextFireAt, kT0 + 20'000);
  ASSERT_EQ(state.recent->size(), 1U);
  EXPECT_EQ(state.recent->at(0).processId, state.lastProcessId);
  EXPECT_EQ(state.upcoming->size(), 5U);

  close();
  open();
  tickAt(kT0 + 10'002);
  EXPECT_EQ(fired("s").size(), 1U);
  tickAt(kT0 + 20'000);
  EXPECT_EQ(fired("s"),
            (std::vector<std::string>{fireId("s", kT0 + 10'000), fireId("s", kT0 + 20'000)}));
}

TEST_P(Scheduling, aFireStartedBeforeACrashThatWasNotRecordedFindsItsProcess) {
  scheduler_->create(every10s("s", OverlapPolicy::Allow));
  // As if a node started the fire and died before writing the fire state.
  std::promise<Result<StartedProcess>> first;
  engine_->startProcess(
      StartRequest{
          .actor = "D#1", .method = "start", .options = {.customId = fireId("s", kT0 + 10'000)}},
      [&](Result<StartedProcess> s) { first.set_value(std::move(s)); });
  const Uuid processId = first.get_future().get().value().processId;
  tickAt(kT0 + 10'000);
  EXPECT_EQ(fired("s").size(), 1U);
  EXPECT_EQ(scheduler_->get("s").lastProcessId, processId);
}

TEST_P(Scheduling, skipRecordsASkippedFireWhileThePreviousProcessRuns) {
  scheduler_->create(every10s("s", OverlapPolicy::Skip));
  tickAt(kT0 + 10'000);
  const Uuid first = *scheduler_->get("s").lastProcessId;
  tickAt(kT0 + 20'000);
  EXPECT_EQ(fired("s").size(), 1U);
  Schedule state = scheduler_->get("s");
  EXPECT_TRUE(state.recent->at(0).skipped);
  EXPECT_EQ(state.recent->at(0).fireAt, kT0 + 20'000);
  EXPECT_EQ(state.nextFireAt, kT0 + 30'000);
  end(first);
  tickAt(kT0 + 30'000);
  EXPECT_EQ(fired("s"),
            (std::vector<std::string>{fireId("s", kT0 + 10'000), fireId("s", kT0 + 30'000)}));
}

TEST_P(Scheduling, bufferOneStartsOneWaitingFireWhenThePreviousProcessEnds) {
  scheduler_->create(every10s("s", OverlapPolicy::BufferOne));
  tickAt(kT0 + 10'000);
  const Uuid first = *scheduler_->get("s").lastProcessId;
  tickAt(kT0 + 20'000);
  EXPECT_EQ(scheduler_->get("s").bufferedFireAt, kT0 + 20'000);
  tickAt(kT0 + 30'000);  // the buffer holds one: this fire is skipped
  EXPECT_TRUE(scheduler_->get("s").recent->at(0).skipped);
  EXPECT_EQ(fired("s").size(), 1U);
  end(first);
  tickAt(kT0 + 30'001);
  EXPECT_EQ(fired("s"),
            (std::vector<std::string>{fireId("s", kT0 + 10'000), fireId("s", kT0 + 20'000)}));
  Schedule state = scheduler_->get("s");
  EXPECT_FALSE(state.bufferedFireAt.has_value());
  EXPECT_EQ(state.lastFireAt, kT0 + 20'000);
}

TEST_P(Scheduling, missedFiresWithinTheCatchupWindowStartAfterDowntimeOlderOnesDoNot) {
  scheduler_->create(every10s("window", OverlapPolicy::Allow, 35'000));
  scheduler_->create(every10s("none", OverlapPolicy::Allow, 0));
  tickAt(kT0 + 60'001);  // the first pass after a downtime: fires at 10 s to 60 s are due
  EXPECT_EQ(fired("window"), (std::vector<std::string>{
                                 fireId("window", kT0 + 30'000), fireId("window", kT0 + 40'000),
                                 fireId("window", kT0 + 50'000), fireId("window", kT0 + 60'000)}));
  EXPECT_EQ(fired("none"), std::vector<std::string>{fireId("none", kT0 + 60'000)});
  EXPECT_EQ(scheduler_->get("window").nextFireAt, kT0 + 70'000);
  EXPECT_EQ(scheduler_->get("none").nextFireAt, kT0 + 70'000);
}

TEST_P(Scheduling, aPausedScheduleDoesNotFireAndResumeGoesOnFromNow) {
  scheduler_->create(every10s("s", OverlapPolicy::Allow, 60'000));
  Schedule paused = scheduler_->setPaused("s", true);
  EXPECT_TRUE(paused.paused);
  EXPECT_FALSE(paused.nextFireAt.has_value());
  EXPECT_TRUE(scheduler_->setPaused("s", true).paused);  // idempotent
  tickAt(kT0 + 30'000);
  EXPECT_TRUE(fired("s").empty());
  EXPECT_TRUE(scheduler_->get("s").upcoming->empty());
  now_ = kT0 + 35'000;
  EXPECT_EQ(scheduler_->setPaused("s", false).nextFireAt, kT0 + 40'000);
  tickAt(kT0 + 40'000);
  EXPECT_EQ(fired("s"), std::vector<std::string>{fireId("s", kT0 + 40'000)});
}

TEST_P(Scheduling, jitterDelaysAFireByTheSameAmountWhoeverComputesIt) {
  std::string id = "j";
  while (Scheduler::jitterOf(id, kT0 + 10'000, 5'000) == 0) id += "j";
  const std::int64_t jitter = Scheduler::jitterOf(id, kT0 + 10'000, 5'000);
  EXPECT_EQ(Scheduler::jitterOf(id, kT0 + 10'000, 5'000), jitter);
  EXPECT_LE(jitter, 5'000);
  scheduler_->create(every10s(id, OverlapPolicy::Allow, 0, 5'000));
  tickAt(kT0 + 10'000 + jitter - 1);
  EXPECT_TRUE(fired(id).empty());
  tickAt(kT0 + 10'000 + jitter);
  EXPECT_EQ(fired(id), std::vector<std::string>{fireId(id, kT0 + 10'000)});
}

TEST_P(Scheduling, createIsIdempotentForTheSameDefinitionAndRefusesAnother) {
  EXPECT_TRUE(scheduler_->create(every10s("s", OverlapPolicy::Skip)).created);
  EXPECT_FALSE(scheduler_->create(every10s("s", OverlapPolicy::Skip)).created);
  try {
    scheduler_->create(every10s("s", OverlapPolicy::Allow));
    ADD_FAILURE() << "no conflict";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Conflict);
  }
  Schedule replaced = scheduler_->replace(every10s("s", OverlapPolicy::Allow));
  EXPECT_EQ(replaced.overlap, OverlapPolicy::Allow);
  Schedule bad = every10s("t", OverlapPolicy::Skip);
  bad.cron = "@every";
  try {
    scheduler_->create(bad);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::BadRequest);
    EXPECT_TRUE(error.message().starts_with("cron: ")) << error.message();
  }
  scheduler_->remove("s");
  EXPECT_TRUE(scheduler_->list().empty());
  EXPECT_THROW(scheduler_->get("s"), Error);
}

TEST(DueFires, afterALongDowntimeTheNewestHundredAreFoundWithoutWalkingEveryFire) {
  const CronRule rule = CronRule::parse("@every 1s");
  Schedule definition{
      .id = "s", .cron = "@every 1s", .catchupWindowMs = schedule_limits::kMaxCatchupWindowMs};
  const std::int64_t now = kT0 + 30LL * 24 * 3600 * 1000;
  DueFires due = dueFires(rule, definition, kT0 + 1'000, now);
  ASSERT_EQ(due.start.size(), 100U);
  EXPECT_EQ(due.start.front(), now - 99'000);
  EXPECT_EQ(due.start.back(), now);
  EXPECT_EQ(due.next, now + 1'000);
}

}  // namespace
}  // namespace pledge::server
