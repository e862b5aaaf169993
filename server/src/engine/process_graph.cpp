#include "pledge/server/engine/process_graph.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/promise_walk.h"
#include "pledge/error.h"
#include "pledge/json_writer.h"

namespace pledge::server {

void Effects::clear() {
  readied.clear();
  listening.clear();
  timed.clear();
  changedTasks.clear();
  changedProcesses.clear();
  ended.clear();
  deadlines.clear();
}

ProcessGraph::ProcessGraph(int partitions, std::int64_t defaultTimeoutMs)
    : partitions_(partitions), defaultTimeoutMs_(defaultTimeoutMs) {
  PLEDGE_ASSERT(partitions_ > 0, "partitions must be positive");
}

int ProcessGraph::partitionOf(const Uuid& processId) const {
  return pledge::partitionOf(processId, partitions_);
}

const std::string* ProcessGraph::intern(const std::string& text) {
  return &*strings_.insert(text).first;
}

std::shared_ptr<const RetryPolicy> ProcessGraph::internRetry(
    const std::optional<RetryPolicy>& policy) {
  if (!policy || policy->kind == RetryKind::None) return nullptr;
  for (const auto& known : retryPolicies_) {
    if (*known == *policy) return known;
  }
  retryPolicies_.push_back(std::make_shared<const RetryPolicy>(*policy));
  return retryPolicies_.back();
}

Task& ProcessGraph::createTask(Process& process, const TaskSpec& spec, const Uuid& parentId,
                               std::int64_t now) {
  auto task = std::make_unique<Task>();
  task->id = spec.taskId;
  task->process = &process;
  task->parentId = parentId;
  task->seq = static_cast<int>(process.tasks.size());
  task->actor = intern(spec.actor);
  task->method = intern(spec.method);
  task->taskList = intern(spec.options.taskList.value_or(""));
  task->type = spec.type;
  task->args = spec.args;
  task->priority = spec.options.priority.value_or(0);
  task->timeoutMs = spec.options.timeoutMs.value_or(defaultTimeoutMs_);
  task->retry = internRetry(spec.options.retry);
  if (spec.type == TaskType::Event || spec.type == TaskType::Timer) {
    task->waitMs = spec.options.timeoutMs.value_or(0);
  }
  task->notBefore = spec.options.startTime.value_or(0);
  task->scheduleToStartMs = spec.options.scheduleToStartMs.value_or(0);
  task->createdAt = now;
  task->pendingSpecJson = toJsonText(spec);
  charge(process, kTaskMemoryBytes + static_cast<std::int64_t>(task->pendingSpecJson.size()));
  Task& created = *task;
  tasks_.insert(created.id, &created);
  process.tasks.push_back(std::move(task));
  ++process.liveTasks;
  countState(created, created.state, +1);
  return created;
}

Process& ProcessGraph::startProcess(const StartRequest& request, Uuid processId, Uuid taskId,
                                    std::int64_t now, Effects& effects) {
  auto owned = std::make_unique<Process>();
  Process& process = *owned;
  process.id = processId;
  process.partition = partitionOf(processId);
  process.customId = request.options.customId;
  process.requestId = request.options.requestId;
  process.tags = request.options.tags;
  process.startedAt = now;
  charge(process, kProcessMemoryBytes);
  processes_.emplace(processId, std::move(owned));
  if (process.customId) customIds_.emplace(*process.customId, &process);
  if (process.requestId) requestIds_.emplace(*process.requestId, &process);
  TaskSpec spec;
  spec.taskId = taskId;
  spec.actor = request.actor;
  spec.method = request.method;
  spec.type = TaskType::Decider;
  for (const Json& arg : request.args) spec.args.push_back(ArgSpec::ofValue(arg));
  spec.options.startTime = request.options.startTime;
  spec.options.taskList = request.options.taskList;
  spec.options.scheduleToStartMs = request.options.scheduleToStartMs;
  if (request.options.deadlineMs) {
    process.deadlineAt = now + *request.options.deadlineMs;
    spec.processDeadline = process.deadlineAt;
    effects.deadlines.push_back(&process);
  }
  Task& start = createTask(process, spec, Uuid(), now);
  process.startTask = &start;
  effects.changedProcesses.push_back(&process);
  effects.changedTasks.push_back(&start);
  makeRunnable(start, now, effects);
  return process;
}

void ProcessGraph::countState(const Task& task, TaskState state, int delta) {
  if (isSystemTask(task)) return;  // in no queue
  QueueCounts& counts = queueCounts_[QueueKey{task.actor, task.taskList}];
  switch (state) {
    case TaskState::Waiting:
    case TaskState::Scheduled: counts.waiting += delta; break;
    case TaskState::Ready: counts.ready += delta; break;
    case TaskState::Leased: counts.running += delta; break;
    default: break;
  }
}

void ProcessGraph::setState(Task& task, TaskState state) {
  if (task.state == TaskState::Ready) task.readyLink.unlink();
  if (task.state == TaskState::Leased) task.leaseLink.unlink();
  countState(task, task.state, -1);
  if (task.state == TaskState::Scheduled) --task.process->scheduledTasks;
  task.state = state;
  if (!isLive(state)) task.timer.cancel();  // no deadline applies to it any more
  if (state == TaskState::Scheduled) ++task.process->scheduledTasks;
  countState(task, state, +1);
}

void ProcessGraph::makeRunnable(Task& task, std::int64_t now, Effects& effects) {
  // Not a changed row by itself: a loaded Waiting task whose promises are settled is made
  // runnable again (settleRestored), so the store may keep Waiting.
  if (task.type == TaskType::Event) {
    // Written: the deadline must survive a restart.
    setState(task, TaskState::Listening);
    task.readyAt = now;
    task.leaseUntil = task.waitMs > 0 ? now + task.waitMs : 0;
    effects.listening.push_back(&task);
    if (task.leaseUntil != 0) effects.timed.push_back(&task);
    effects.changedTasks.push_back(&task);
    return;
  }
  if (task.type == TaskType::Timer) {
    // Due waitMs after it became runnable; written so that a restart keeps the time.
    task.readyAt = now;
    task.notBefore = now + task.waitMs;
    setState(task, TaskState::Scheduled);
    effects.timed.push_back(&task);
    effects.changedTasks.push_back(&task);
    return;
  }
  if (task.notBefore > now) {
    setState(task, TaskState::Scheduled);
    effects.timed.push_back(&task);
  } else {
    enterReady(task, now, effects);
  }
}

void ProcessGraph::enterReady(Task& task, std::int64_t now, Effects& effects) {
  setState(task, TaskState::Ready);
  task.readyAt = now;
  task.readySeq = nextReadySeq_++;
  effects.readied.push_back(&task);
  startPickupClock(task, now, effects);
}

void ProcessGraph::startPickupClock(Task& task, std::int64_t now, Effects& effects) {
  // Only tasks that set it get a timer: an unset schedule-to-start costs nothing.
  task.leaseUntil = task.scheduleToStartMs > 0 ? now + task.scheduleToStartMs : 0;
  if (task.leaseUntil != 0) effects.timed.push_back(&task);
}

void ProcessGraph::lease(Task& task, std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(task.state == TaskState::Ready, "lease of a task in state {}",
                taskStateName(task.state));
  setState(task, TaskState::Leased);
  ++task.attempt;
  task.leaseUntil = now + task.timeoutMs;
  task.startedAt = now;
  effects.timed.push_back(&task);
}

void ProcessGraph::unlease(Task& task, std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(task.state == TaskState::Leased, "unlease of a task in state {}",
                taskStateName(task.state));
  --task.attempt;
  task.startedAt = 0;
  enterReady(task, now, effects);
}

void ProcessGraph::heartbeat(Task& task, std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(task.state == TaskState::Leased, "heartbeat of a task that is not leased");
  task.leaseUntil = now + task.timeoutMs;
  effects.timed.push_back(&task);
  effects.changedTasks.push_back(&task);
}

void ProcessGraph::onDeadline(Task& task, std::int64_t now, Effects& effects) {
  if (task.state == TaskState::Scheduled && task.notBefore <= now &&
      task.type == TaskType::Timer) {
    // Its value is the time it fired (epoch ms), so that its promise is an argument like others.
    leaveLiveState(task, TaskState::Completed, now, effects);
    resolvePromise(task, std::make_shared<const Json>(now), now, effects);
    checkCompletion(*task.process, now, effects);
  } else if (task.state == TaskState::Scheduled && task.notBefore <= now) {
    enterReady(task, now, effects);
  } else if (task.state == TaskState::Ready && task.leaseUntil != 0 && task.leaseUntil <= now &&
             !task.process->paused) {
    // Schedule-to-start ran out. Not retried: another attempt would only wait in the same queue.
    const std::string list = task.taskList->empty() ? "" : fmt::format(" (task list {})",
                                                                        *task.taskList);
    failForGood(task,
                TaskError(kTimeoutError,
                          fmt::format("not picked up within its schedule-to-start of {} ms: no "
                                      "worker of {}{} polled for it",
                                      task.scheduleToStartMs, *task.actor, list),
                          /*retryable=*/false),
                now, effects);
  } else if (task.state == TaskState::Leased && task.leaseUntil <= now) {
    failAttempt(task,
                TaskError(kLeaseExpiredError,
                          fmt::format("attempt {} was neither released nor extended by a heartbeat "
                                      "within its lease of {} ms",
                                      task.attempt, task.timeoutMs)),
                /*leaseLost=*/true, now, effects);
  }
}

void ProcessGraph::deliverEvent(Task& task, std::shared_ptr<const Json> payload,
                                std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(task.state == TaskState::Listening, "event for a task in state {}",
                taskStateName(task.state));
  task.startedAt = now;
  leaveLiveState(task, TaskState::Completed, now, effects);
  resolvePromise(task, std::move(payload), now, effects);
  checkCompletion(*task.process, now, effects);
}

void ProcessGraph::timeOut(Task& task, std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(task.state == TaskState::Listening, "time-out of a task in state {}",
                taskStateName(task.state));
  failForGood(task,
              TaskError(kTimeoutError,
                        fmt::format("no event {} came within {} ms", *task.method, task.waitMs),
                        /*retryable=*/false),
              now, effects);
}

void ProcessGraph::failForGood(Task& task, const TaskError& error, std::int64_t now,
                               Effects& effects) {
  task.error = error;
  leaveLiveState(task, TaskState::Failed, now, effects);
  failPromise(task, error, now, effects);
  checkCompletion(*task.process, now, effects);
}

void ProcessGraph::leaveLiveState(Task& task, TaskState state, std::int64_t now,
                                  Effects& effects) {
  if (isLive(task.state)) --task.process->liveTasks;
  setState(task, state);
  task.endedAt = now;
  effects.changedTasks.push_back(&task);
}

void ProcessGraph::failAttempt(Task& task, const TaskError& error, bool leaseLost,
                               std::int64_t now, Effects& effects) {
  const int failedAttempt = task.attempt - task.attemptBase;
  std::optional<std::int64_t> delay;
  if (task.retry) {
    delay = nextRetryDelayMs(*task.retry, failedAttempt, error);
  } else if (leaseLost && failedAttempt < kAttemptsAfterLostLeases) {
    delay = 0;
  }
  task.error = error;
  if (delay) {
    task.notBefore = now + *delay;
    setState(task, TaskState::Waiting);
    makeRunnable(task, now, effects);
    // Written: the failed attempt, its error and when the next one may start.
    effects.changedTasks.push_back(&task);
    return;
  }
  leaveLiveState(task, TaskState::Failed, now, effects);
  failPromise(task, error, now, effects);
  checkCompletion(*task.process, now, effects);
}

void ProcessGraph::resolvePromise(Task& task, std::shared_ptr<const Json> value, std::int64_t now,
                                  Effects& effects) {
  std::vector<Task*> pending{&task};
  while (!pending.empty()) {
    Task& settled = *pending.back();
    pending.pop_back();
    settled.promise = PromiseState::Resolved;
    settled.value = value;
    settled.error.reset();
    effects.changedTasks.push_back(&settled);
    std::vector<Waiter> waiters = std::move(settled.waiters);
    settled.waiters.clear();
    for (const Waiter& waiter : waiters) settleWaiter(*waiter.task, now, effects);
    for (Task* forwarder : settled.forwarders) pending.push_back(forwarder);
    settled.forwarders.clear();
  }
}

void ProcessGraph::failPromise(Task& task, const TaskError& error, std::int64_t now,
                               Effects& effects) {
  // The failure reaches the waiters of this promise and of every promise forwarding to it. It
  // propagates only when each of them accepts it; otherwise the process is broken and the
  // failing task waits for an operator.
  Task* culprit = &task;
  while (culprit->forwardTo != nullptr) culprit = culprit->forwardTo;
  std::vector<Task*> closure{&task};
  bool anyWaiter = false;
  bool accepted = true;
  for (std::size_t i = 0; i < closure.size(); ++i) {
    Task& member = *closure[i];
    if (&member == member.process->startTask) accepted = false;
    for (const Waiter& waiter : member.waiters) {
      anyWaiter = true;
      accepted = accepted && waiter.flags->acceptFail.accepts(error);
    }
    for (Task* forwarder : member.forwarders) {
      if (forwarder->promise == PromiseState::Pending) closure.push_back(forwarder);
    }
  }
  if (!anyWaiter || !accepted) {
    breakProcess(*task.process, *culprit, error, effects);
    return;
  }
  for (Task* member : closure) {
    member->promise = PromiseState::Failed;
    member->error = error;
    effects.changedTasks.push_back(member);
    std::vector<Waiter> waiters = std::move(member->waiters);
    member->waiters.clear();
    member->forwarders.clear();
    for (const Waiter& waiter : waiters) settleWaiter(*waiter.task, now, effects);
  }
}

void ProcessGraph::settleWaiter(Task& waiter, std::int64_t now, Effects& effects) {
  if (waiter.state != TaskState::Waiting) return;
  PLEDGE_ASSERT(waiter.pendingArgs > 0, "task {} settled more often than it waits",
                waiter.id.toString());
  if (--waiter.pendingArgs == 0) makeRunnable(waiter, now, effects);
}

void ProcessGraph::breakProcess(Process& process, Task& failed, const TaskError& error,
                                Effects& effects) {
  if (std::find(process.blockingTasks.begin(), process.blockingTasks.end(), &failed) ==
      process.blockingTasks.end()) {
    process.blockingTasks.push_back(&failed);
  }
  if (process.state != ProcessState::Running) return;
  process.state = ProcessState::Broken;
  process.error = error;
  process.failedTaskId = failed.id;
  effects.changedProcesses.push_back(&process);
}

void ProcessGraph::checkCompletion(Process& process, std::int64_t now, Effects& effects) {
  if (process.state != ProcessState::Running || process.liveTasks != 0 ||
      process.startTask->promise != PromiseState::Resolved) {
    return;
  }
  process.state = ProcessState::Completed;
  process.endedAt = now;
  effects.changedProcesses.push_back(&process);
  effects.ended.push_back(&process);
}

Task* ProcessGraph::findTask(const Uuid& id) const {
  return tasks_.find(id);
}

Process* ProcessGraph::findProcess(const Uuid& id) const {
  auto it = processes_.find(id);
  return it == processes_.end() ? nullptr : it->second.get();
}

Process* ProcessGraph::findByCustomId(const std::string& customId) const {
  auto it = customIds_.find(customId);
  return it == customIds_.end() ? nullptr : it->second;
}

Process* ProcessGraph::findByRequestId(const std::string& requestId) const {
  auto it = requestIds_.find(requestId);
  return it == requestIds_.end() ? nullptr : it->second;
}

}  // namespace pledge::server
