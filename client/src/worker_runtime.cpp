#include "pledge/worker_runtime.h"

#include "pledge/error.h"

namespace pledge {

WorkerRuntime::WorkerRuntime(std::unique_ptr<ActorDispatcher> dispatcher)
    : dispatcher_(std::move(dispatcher)) {
  PLEDGE_ASSERT(dispatcher_ != nullptr, "worker runtime without a dispatcher");
}

Decision WorkerRuntime::execute(const PolledTask& task) {
  Decision decision;
  decision.processId = task.processId;
  decision.taskId = task.taskId;
  decision.attempt = task.attempt;
  try {
    DispatchResult result = dispatcher_->dispatch(task);
    PLEDGE_ASSERT(!result.promise, "worker {}.{} returned a promise", task.actor, task.method);
    decision.result = std::move(result.value);
  } catch (...) {
    decision.error = currentExceptionAsTaskError();
  }
  return decision;
}

}  // namespace pledge
