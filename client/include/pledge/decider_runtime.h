// DeciderRuntime: runs decider tasks (execute and asynchronous methods). While the method runs,
// every proxy call is recorded; the decision carries the recorded tasks and the method's
// outcome: a value, the promise of a task (its result becomes this task's result), or an error.
// A failed execution creates no tasks: what it recorded before throwing is dropped, so a retry
// starts from a clean slate.
//
//   pledge::DeciderRuntime runtime(NotificationDecider::kActor, makeDispatcher());
//   pledge::Decision decision = runtime.execute(startTask);   // 3 tasks for start()
#pragma once

#include <memory>
#include <string>

#include "pledge/actor_registry.h"
#include "pledge/task_runtime.h"

namespace pledge {

// Thread-confined, like the implementation instance it owns.
class DeciderRuntime final : public TaskRuntime {
 public:
  DeciderRuntime(std::string actor, std::unique_ptr<ActorDispatcher> dispatcher);

  Decision execute(const PolledTask& task) override;

 private:
  std::string actor_;
  std::unique_ptr<ActorDispatcher> dispatcher_;
};

}  // namespace pledge
