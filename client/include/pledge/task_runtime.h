// TaskRuntime: runs one polled task through an actor implementation and reports the Decision to
// release. WorkerRuntime and DeciderRuntime implement it; makeRuntime picks by actor type.
//
//   std::unique_ptr<pledge::TaskRuntime> runtime = pledge::makeRuntime(*registry.find(actor));
//   pledge::Decision decision = runtime->execute(polledTask);   // never throws
#pragma once

#include <memory>

#include "pledge/actor_registry.h"
#include "pledge/decision.h"
#include "pledge/polled_task.h"
#include "pledge/task_error.h"

namespace pledge {

// Owns one implementation instance; thread-confined.
class TaskRuntime {
 public:
  virtual ~TaskRuntime() = default;
  // Runs the task. Whatever the implementation throws becomes the decision's error; this never
  // throws.
  virtual Decision execute(const PolledTask& task) = 0;
};

// A WorkerRuntime or a DeciderRuntime with a fresh dispatcher of entry.
std::unique_ptr<TaskRuntime> makeRuntime(const ActorEntry& entry);

// The TaskError describing the exception being handled; call only inside a catch block.
// pledge::TaskError is taken as it is; any other exception gives its demangled C++ type name
// and what(); anything else gives its type name and "unknown exception".
TaskError currentExceptionAsTaskError();

}  // namespace pledge
