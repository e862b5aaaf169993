#include "pledge/task_recorder.h"

#include "pledge/error.h"

namespace pledge {
namespace {

thread_local TaskRecorder* tCurrentRecorder = nullptr;

}  // namespace

TaskRecorder::TaskRecorder(std::string deciderActor) : deciderActor_(std::move(deciderActor)) {}

void TaskRecorder::record(TaskSpec task) {
  PLEDGE_ASSERT(!task.taskId.isNil(), "recorded task {}.{} has no id", task.actor, task.method);
  tasks_.push_back(std::move(task));
}

RecordingScope::RecordingScope(TaskRecorder& recorder) : previous_(tCurrentRecorder) {
  tCurrentRecorder = &recorder;
}

RecordingScope::~RecordingScope() { tCurrentRecorder = previous_; }

TaskRecorder* currentRecorder() { return tCurrentRecorder; }

}  // namespace pledge
