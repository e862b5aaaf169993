// Eviction and recovery: processes leaving memory, and processes read back from the store
// settling into the graph.
#include "pledge/server/engine/process_graph.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/promise_walk.h"
#include "pledge/error.h"
#include "pledge/json_writer.h"

namespace pledge::server {

void ProcessGraph::evict(Process& process) {
  for (const auto& task : process.tasks) {
    // A live process leaves memory when it becomes dormant or moves to another node.
    if (isLive(task->state)) countState(*task, task->state, -1);
    tasks_.erase(task->id);
  }
  if (process.customId) customIds_.erase(*process.customId);
  if (process.requestId) requestIds_.erase(*process.requestId);
  memoryBytes_ -= process.memoryBytes;
  chargedBytes_ -= charged(process);
  processes_.erase(process.id);
}

Process& ProcessGraph::restoreProcess(std::unique_ptr<Process> process) {
  Process& restored = *process;
  charge(restored, kProcessMemoryBytes);
  if (restored.customId) customIds_.emplace(*restored.customId, &restored);
  if (restored.requestId) requestIds_.emplace(*restored.requestId, &restored);
  processes_.emplace(restored.id, std::move(process));
  restored_.push_back(&restored);
  return restored;
}

Task& ProcessGraph::restoreTask(Process& process, std::unique_ptr<Task> task,
                                std::size_t storedBytes) {
  Task& restored = *task;
  restored.process = &process;
  charge(process, kTaskMemoryBytes + static_cast<std::int64_t>(storedBytes));
  tasks_.insert(restored.id, &restored);
  if (isLive(restored.state)) ++process.liveTasks;
  if (restored.state == TaskState::Scheduled) ++process.scheduledTasks;
  countState(restored, restored.state, +1);
  process.tasks.push_back(std::move(task));
  return restored;
}

const Task* ProcessGraph::settledTarget(const Task& task) const {
  const Task* step = &task;
  while (step->forwardTo != nullptr && step->promise == PromiseState::Pending)
    step = step->forwardTo;
  return step;
}

void ProcessGraph::settleRestored(std::int64_t now, Effects& effects) {
  std::vector<Task*> ready;
  for (Process* process : restored_) {
    for (const auto& owned : process->tasks) {
      Task& task = *owned;
      // Forwarders whose target is still pending wait for it again.
      if (task.forwardTo != nullptr && task.promise == PromiseState::Pending) {
        task.forwardTo->forwarders.push_back(&task);
      }
      if (task.state == TaskState::Failed && task.promise == PromiseState::Pending &&
          process->state == ProcessState::Broken) {
        process->blockingTasks.push_back(&task);
      }
      if (task.state != TaskState::Waiting) continue;
      for (const ArgSpec& arg : task.args) {
        forEachPromise(arg, [&](const ArgSpec& ref) {
          if (ref.flags.noWait) return;
          Task* target = findTask(ref.promise);
          if (target == nullptr || target->promise == PromiseState::Resolved) return;
          if (target->promise == PromiseState::Failed &&
              ref.flags.acceptFail.accepts(*target->error)) {
            return;
          }
          ++task.pendingArgs;
          target->waiters.push_back(Waiter{&task, &ref.flags});
        });
      }
    }
  }
  for (Process* process : restored_) {
    for (const auto& owned : process->tasks) {
      Task& task = *owned;
      switch (task.state) {
        case TaskState::Waiting:
          if (task.pendingArgs == 0) makeRunnable(task, now, effects);
          break;
        case TaskState::Scheduled:
        case TaskState::Leased: effects.timed.push_back(&task); break;
        case TaskState::Listening:
          // It asks for its event again (the store answers a delivery made meanwhile).
          effects.listening.push_back(&task);
          if (task.leaseUntil != 0) effects.timed.push_back(&task);
          break;
        case TaskState::Ready: ready.push_back(&task); break;
        default: break;
      }
    }
    checkCompletion(*process, now, effects);
  }
  std::sort(ready.begin(), ready.end(),
            [](const Task* a, const Task* b) { return a->readyAt < b->readyAt; });
  for (Task* task : ready) {
    task->readySeq = nextReadySeq_++;
    effects.readied.push_back(task);
    startPickupClock(*task, now, effects);
  }
  restored_.clear();
}

}  // namespace pledge::server
