// Operations on a whole process: restart, abort, and its deadline.
#include <algorithm>

#include <fmt/format.h>

#include "pledge/server/engine/process_graph.h"

namespace pledge::server {

void ProcessGraph::restart(Process& process, std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(process.state == ProcessState::Broken, "restart of a process that is not broken");
  process.state = ProcessState::Running;
  process.error.reset();
  process.failedTaskId.reset();
  std::vector<Task*> blocking = std::move(process.blockingTasks);
  process.blockingTasks.clear();
  for (Task* task : blocking) {
    if (task->state != TaskState::Failed) continue;
    task->promise = PromiseState::Pending;
    task->error.reset();
    task->attemptBase = task->attempt;
    task->notBefore = 0;
    setState(*task, TaskState::Waiting);
    ++process.liveTasks;
    makeRunnable(*task, now, effects);
    effects.changedTasks.push_back(task);
  }
  effects.changedProcesses.push_back(&process);
  checkCompletion(process, now, effects);
}

void ProcessGraph::abort(Process& process, std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(process.state == ProcessState::Running || process.state == ProcessState::Broken,
                "abort of an ended process");
  for (const auto& task : process.tasks) {
    if (isLive(task->state)) leaveLiveState(*task, TaskState::Cancelled, now, effects);
  }
  process.state = ProcessState::Aborted;
  process.endedAt = now;
  process.blockingTasks.clear();
  effects.changedProcesses.push_back(&process);
  effects.ended.push_back(&process);
}

void ProcessGraph::passDeadline(Process& process, std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(process.state == ProcessState::Running, "deadline of a process not running");
  for (const auto& task : process.tasks) {
    if (isLive(task->state)) leaveLiveState(*task, TaskState::Cancelled, now, effects);
  }
  process.state = ProcessState::Broken;
  process.error =
      TaskError(kTimeoutError,
                fmt::format("the process's deadline passed: it had {} ms from its start",
                            process.deadlineAt - process.startedAt),
                /*retryable=*/false);
  process.failedTaskId = process.startTask->id;
  effects.changedProcesses.push_back(&process);
}

}  // namespace pledge::server
