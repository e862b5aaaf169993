#include "pledge/decider_runtime.h"

#include "pledge/error.h"
#include "pledge/task_recorder.h"

namespace pledge {

DeciderRuntime::DeciderRuntime(std::string actor, std::unique_ptr<ActorDispatcher> dispatcher)
    : actor_(std::move(actor)), dispatcher_(std::move(dispatcher)) {
  PLEDGE_ASSERT(dispatcher_ != nullptr, "decider runtime without a dispatcher");
}

Decision DeciderRuntime::execute(const PolledTask& task) {
  Decision decision;
  decision.processId = task.processId;
  decision.taskId = task.taskId;
  decision.attempt = task.attempt;
  TaskRecorder recorder(actor_);
  try {
    DispatchResult result;
    {
      RecordingScope scope(recorder);
      result = dispatcher_->dispatch(task);
    }
    decision.result = std::move(result.value);
    decision.promise = result.promise;
    decision.tasks = recorder.takeTasks();
  } catch (...) {
    decision.error = currentExceptionAsTaskError();
  }
  return decision;
}

}  // namespace pledge
