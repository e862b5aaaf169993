#include "pledge/process_info.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(ProcessInfo, wireFormHasTheDesignFields) {
  ProcessInfo process;
  process.processId = Uuid::random();
  process.taskId = Uuid::random();
  process.actor = "NotificationDecider#1.0";
  process.method = "start";
  process.startedAt = 1700000000000;
  Json wire = process;
  for (const char* key : {"processId", "customId", "actor", "method", "state", "startedAt",
                          "endedAt", "result", "error"}) {
    EXPECT_TRUE(wire.contains(key)) << key;
  }
  EXPECT_EQ(wire["state"], "running");
  EXPECT_TRUE(wire["customId"].is_null());
  EXPECT_EQ(wire.get<ProcessInfo>(), process);
}

TEST(ProcessInfo, brokenAndCompletedRoundTrip) {
  ProcessInfo broken;
  broken.processId = Uuid::random();
  broken.taskId = Uuid::random();
  broken.customId = "order-1";
  broken.actor = "D#1";
  broken.method = "start";
  broken.state = ProcessState::Broken;
  broken.error = TaskError("Down", "gone");
  broken.failedTaskId = Uuid::random();
  EXPECT_EQ(Json(broken).get<ProcessInfo>(), broken);

  ProcessInfo completed = broken;
  completed.state = ProcessState::Completed;
  completed.error.reset();
  completed.failedTaskId.reset();
  completed.endedAt = 1700000000500;
  completed.result = Json{{"sum", 3}};
  EXPECT_EQ(Json(completed).get<ProcessInfo>(), completed);
  EXPECT_TRUE(completed.ended());
  EXPECT_FALSE(broken.ended());
}

TEST(ProcessInfo, stateNamesRoundTrip) {
  for (ProcessState state : {ProcessState::Running, ProcessState::Completed, ProcessState::Broken,
                             ProcessState::Aborted}) {
    EXPECT_EQ(processStateFromName(processStateName(state)), state);
  }
  EXPECT_FALSE(processStateFromName("finished"));
}

}  // namespace
}  // namespace pledge
