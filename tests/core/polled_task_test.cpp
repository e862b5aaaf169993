#include "pledge/polled_task.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(PolledTask, roundTripsEveryArgumentForm) {
  PolledTask task;
  task.taskId = Uuid::random();
  task.processId = Uuid::random();
  task.actor = "NotificationDecider#1.0";
  task.method = "blockOnFail";
  task.type = TaskType::Decider;
  task.attempt = 2;
  task.timeoutMs = 5000;
  task.args = {ArgValue::ofValue("user-1"), ArgValue::ofFailure(TaskError("Down", "no")),
               ArgValue::ofPromise(Uuid::random()),
               ArgValue::ofList({ArgValue::ofValue(1), ArgValue::ofValue(2)})};
  Json wire = task;
  EXPECT_EQ(wire["args"][1], Json({{"failed", {{"type", "Down"}, {"message", "no"}}}}));
  EXPECT_EQ(wire["type"], "decider");
  EXPECT_EQ(wire.get<PolledTask>(), task);
}

TEST(PolledTask, argumentWithTwoFormsIsRejected) {
  try {
    parseJson(R"({"value":1,"list":[]})").get<ArgValue>();
    FAIL();
  } catch (const JsonError& error) {
    EXPECT_EQ(error.message(), "expected exactly one of value, failed, promise, list");
  }
}

}  // namespace
}  // namespace pledge
