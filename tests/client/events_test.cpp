#include "pledge/events.h"

#include <gtest/gtest.h>

#include "pledge/detail/generated_support.h"
#include "pledge/error.h"
#include "pledge/limits.h"
#include "pledge/task_recorder.h"

namespace pledge {
namespace {

// A payload type: waiting for it needs no JSON conversion yet (reading the payload does).
struct Payment {
  int cents = 0;
};

// The message of the pledge::Error body throws, or "" when it throws none.
template <typename Body>
std::string errorOf(Body body) {
  try {
    body();
  } catch (const Error& error) {
    return error.message();
  }
  return "";
}

TEST(Events, afterRecordsATimerOfTheRunningDecider) {
  TaskRecorder recorder("Shop#1");
  Promise<std::int64_t> later;
  {
    RecordingScope scope(recorder);
    later = after(60'000);
    after(1);
  }
  ASSERT_EQ(recorder.tasks().size(), 2u);
  const TaskSpec& timer = recorder.tasks()[0];
  EXPECT_EQ(timer.type, TaskType::Timer);
  EXPECT_EQ(timer.actor, "Shop#1");
  EXPECT_EQ(timer.method, "after");
  EXPECT_TRUE(timer.args.empty());
  EXPECT_EQ(timer.options, CallOptions{.timeoutMs = 60'000});
  EXPECT_EQ(recorder.tasks()[1].options.timeoutMs, 1);
  EXPECT_TRUE(later.isPending());
  EXPECT_EQ(later.taskId(), timer.taskId);
  EXPECT_EQ(timersOf(recorder.tasks()),
            (std::vector<const TaskSpec*>{&recorder.tasks()[0], &recorder.tasks()[1]}));
}

TEST(Events, firstEventRecordsOneTaskWaitingForEveryName) {
  TaskRecorder recorder("Expense#1");
  {
    RecordingScope scope(recorder);
    firstEvent({"approved", "rejected"}, "exp-1", {.timeoutMs = 1'000});
  }
  ASSERT_EQ(recorder.tasks().size(), 1u);
  const TaskSpec& wait = recorder.tasks()[0];
  EXPECT_EQ(wait.type, TaskType::Event);
  EXPECT_EQ(wait.method, "approved");
  ASSERT_EQ(wait.args.size(), 2u);
  EXPECT_EQ(wait.args[0].value, "exp-1");
  EXPECT_EQ(wait.args[1].value, Json::array({"rejected"}));
  EXPECT_EQ(wait.options.timeoutMs, 1'000);
  EXPECT_EQ(Json(FirstEvent{"rejected", 3}).get<FirstEvent>(), (FirstEvent{"rejected", 3}));
}

TEST(Events, waitForEventRecordsAnEventTaskWithItsKeyAndTimeout) {
  TaskRecorder recorder("Shop#1");
  const Uuid order = Uuid::random();
  Promise<Payment> paid;
  {
    RecordingScope scope(recorder);
    paid = waitForEvent<Payment>("paid", "order-42", {.timeoutMs = 5'000});
    waitForEvent<Json>("cancelled", Promise<std::string>::ofTask(order));
    waitForEvent<void>("poked", "");
  }
  ASSERT_EQ(recorder.tasks().size(), 3u);
  const TaskSpec& wait = recorder.tasks()[0];
  EXPECT_EQ(wait.type, TaskType::Event);
  EXPECT_EQ(wait.actor, "Shop#1");
  EXPECT_EQ(wait.method, "paid");
  EXPECT_EQ(wait.args, std::vector<ArgSpec>{ArgSpec::ofValue("order-42")});
  EXPECT_EQ(wait.options, CallOptions{.timeoutMs = 5'000});
  EXPECT_EQ(paid.taskId(), wait.taskId);
  // A promised key: the wait starts once it resolves; no timeout: it waits as long as it must.
  EXPECT_EQ(recorder.tasks()[1].args, std::vector<ArgSpec>{ArgSpec::ofPromise(order)});
  EXPECT_TRUE(recorder.tasks()[1].options.empty());
  EXPECT_EQ(recorder.tasks()[2].args, std::vector<ArgSpec>{ArgSpec::ofValue("")});
  // Waits are no calls of the decider's methods, timers no waits.
  EXPECT_TRUE(detail::callsOf(recorder.tasks(), "Shop#1", "paid", 1).empty());
  EXPECT_EQ(detail::eventWaitsOf(recorder.tasks(), "paid"),
            std::vector<const TaskSpec*>{&recorder.tasks()[0]});
  EXPECT_TRUE(timersOf(recorder.tasks()).empty());
}

TEST(Events, outsideADeciderTaskNothingIsRecorded) {
  EXPECT_NE(errorOf([] { after(10); }).find("pledge::after was called outside a decider task"),
            std::string::npos);
  const std::string waiting = errorOf([] { waitForEvent<Json>("paid", "k"); });
  EXPECT_NE(waiting.find("waiting for event \"paid\" was called outside a decider task"),
            std::string::npos);
}

TEST(Events, whatTheServerWouldRefuseIsRefusedAtTheCall) {
  TaskRecorder recorder("Shop#1");
  RecordingScope scope(recorder);
  EXPECT_EQ(errorOf([] { after(-1); }),
            "pledge::after(-1): the delay must be 1 to 2592000000 ms (30 days)");
  EXPECT_NE(errorOf([] { after(0); }), "");
  EXPECT_NE(errorOf([] { after(limits::kMaxTimeoutMs + 1); }), "");
  EXPECT_NE(errorOf([] { waitForEvent<Json>("", "k"); }).find("event name \"\""),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              waitForEvent<Json>("paid", std::string(600, 'k'));
            }).find("event \"paid\": key: "),
            std::string::npos);
  EXPECT_EQ(errorOf([] { waitForEvent<Json>("paid", "k", {.timeoutMs = 0}); }),
            "event \"paid\": timeoutMs must be 1 to 2592000000 (30 days), got 0");
  EXPECT_TRUE(recorder.tasks().empty());
}

}  // namespace
}  // namespace pledge
