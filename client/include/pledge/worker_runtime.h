// WorkerRuntime: runs worker tasks. The decision carries the method's result or the error it
// threw (type, message, retryable); a worker creates no tasks.
//
//   pledge::WorkerRuntime runtime(std::make_unique<MailServiceDispatcher>(
//       std::make_unique<MailServiceImpl>()));
//   pledge::Decision decision = runtime.execute(task);
#pragma once

#include <memory>

#include "pledge/actor_registry.h"
#include "pledge/task_runtime.h"

namespace pledge {

// Thread-confined, like the implementation instance it owns.
class WorkerRuntime final : public TaskRuntime {
 public:
  explicit WorkerRuntime(std::unique_ptr<ActorDispatcher> dispatcher);

  Decision execute(const PolledTask& task) override;

 private:
  std::unique_ptr<ActorDispatcher> dispatcher_;
};

}  // namespace pledge
