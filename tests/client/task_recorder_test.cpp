#include "pledge/task_recorder.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TaskSpec taskNamed(const char* method) {
  return TaskSpec{.taskId = Uuid::random(), .actor = "A#1", .method = method};
}

TEST(TaskRecorder, recordsInCallOrder) {
  TaskRecorder recorder("D#1");
  recorder.record(taskNamed("a"));
  recorder.record(taskNamed("b"));
  ASSERT_EQ(recorder.tasks().size(), 2u);
  EXPECT_EQ(recorder.tasks()[1].method, "b");
  EXPECT_EQ(recorder.deciderActor(), "D#1");
  EXPECT_EQ(recorder.takeTasks().size(), 2u);
}

TEST(TaskRecorder, refusesTasksWithoutIds) {
  TaskRecorder recorder("D#1");
  EXPECT_THROW(recorder.record(TaskSpec{}), Error);
}

TEST(RecordingScope, installsAndRestoresTheCurrentRecorder) {
  EXPECT_EQ(currentRecorder(), nullptr);
  TaskRecorder outer("D#1");
  TaskRecorder inner("D#2");
  {
    RecordingScope outerScope(outer);
    EXPECT_EQ(currentRecorder(), &outer);
    {
      RecordingScope innerScope(inner);
      EXPECT_EQ(currentRecorder(), &inner);
    }
    EXPECT_EQ(currentRecorder(), &outer);
  }
  EXPECT_EQ(currentRecorder(), nullptr);
}

}  // namespace
}  // namespace pledge
