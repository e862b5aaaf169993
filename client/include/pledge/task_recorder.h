// TaskRecorder: collects the tasks a decider creates while one decider task runs.
//
// Generated proxies do not call anything: they record a TaskSpec into the current thread's
// recorder and return a pending Promise. The decider runtime installs a recorder around each
// decider task; a unit test can do the same to see what a decider method records:
//
//   pledge::TaskRecorder recorder(NotificationDecider::kActor);
//   {
//     pledge::RecordingScope scope(recorder);
//     decider.start("user-1", "hello");
//   }
//   EXPECT_EQ(recorder.tasks().size(), 3u);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pledge/task_spec.h"
#include "pledge/uuid.h"

namespace pledge {

// Thread-confined: used by the thread that runs the decider task.
class TaskRecorder {
 public:
  // deciderActor is the actor id of the running decider; its async() proxy records tasks of it.
  explicit TaskRecorder(std::string deciderActor);
  TaskRecorder(const TaskRecorder&) = delete;
  TaskRecorder& operator=(const TaskRecorder&) = delete;

  // Appends a task; its taskId must already be set (proxies make them).
  void record(TaskSpec task);

  const std::vector<TaskSpec>& tasks() const { return tasks_; }
  std::vector<TaskSpec> takeTasks() { return std::move(tasks_); }
  const std::string& deciderActor() const { return deciderActor_; }

 private:
  std::string deciderActor_;
  std::vector<TaskSpec> tasks_;
};

// Makes recorder the current thread's recorder until destroyed; scopes nest and restore the
// previous recorder. Non-copyable; must be destroyed on the thread that made it.
class RecordingScope {
 public:
  explicit RecordingScope(TaskRecorder& recorder);
  ~RecordingScope();
  RecordingScope(const RecordingScope&) = delete;
  RecordingScope& operator=(const RecordingScope&) = delete;

 private:
  TaskRecorder* previous_;
};

// The current thread's recorder, or nullptr outside a decider task.
TaskRecorder* currentRecorder();

}  // namespace pledge
