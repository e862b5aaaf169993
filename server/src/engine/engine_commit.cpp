// The engine's side of group commit: effects joining the open batch, the rows a batch writes,
// and what follows a commit (answers, newly ready tasks, evictions) or its failure.
#include <spdlog/spdlog.h>

#include <unordered_set>

#include <fmt/format.h>

#include "engine/engine_internal.h"
#include "pledge/server/engine/engine.h"

namespace pledge::server {

void Engine::absorb(Effects& effects) {
  GroupCommit::Batch& batch = commits_.open();
  for (Task* task : effects.changedTasks) {
    task->process->lastBatch = batch.seq;
    batch.effects.changedTasks.push_back(task);
  }
  for (Process* process : effects.changedProcesses) {
    process->lastBatch = batch.seq;
    batch.effects.changedProcesses.push_back(process);
    if (process->state != process->reportedState && metrics_ != nullptr) {
      switch (process->state) {
        case ProcessState::Completed: metrics_->processCompleted(); break;
        case ProcessState::Broken: metrics_->processBroken(); break;
        case ProcessState::Aborted: metrics_->processAborted(); break;
        case ProcessState::Running: break;
      }
    }
    process->reportedState = process->state;
  }
  if (!effects.readied.empty()) {
    const std::int64_t stamp = steadyUs();
    for (Task* task : effects.readied) task->readyStampUs = stamp;
  }
  batch.effects.readied.insert(batch.effects.readied.end(), effects.readied.begin(),
                               effects.readied.end());
  batch.effects.ended.insert(batch.effects.ended.end(), effects.ended.begin(), effects.ended.end());
  for (Task* task : effects.timed) {
    if (!isLive(task->state)) continue;  // ended meanwhile: no deadline applies
    // (A Ready task's leaseUntil is its schedule-to-start.)
    const bool leaseLike = task->state == TaskState::Leased ||
                           task->state == TaskState::Listening || task->state == TaskState::Ready;
    std::int64_t deadline = leaseLike ? task->leaseUntil : task->notBefore;
    timers_.atTask(deadline, *task);
  }
  for (Task* task : effects.listening) batch.events.claims.push_back(claimOf(*task));
  for (Process* process : effects.deadlines) timers_.atProcess(process->deadlineAt, process->id);
  if (!effects.empty()) commits_.wake();
  effects.clear();
}

void Engine::whenDurable(std::function<void(const std::optional<Error>&)> callback) {
  commits_.whenDurable(std::move(callback));
}

TaskRow Engine::rowOf(Task& task, bool takeSpec) {
  TaskRow row;
  row.id = task.id;
  row.processId = task.process->id;
  row.partition = task.process->partition;
  if (!task.parentId.isNil()) row.parentId = task.parentId;
  row.seq = task.seq;
  row.isNew = !task.pendingSpecJson.empty();
  if (takeSpec) {
    row.spec = std::move(task.pendingSpecJson);
    task.pendingSpecJson.clear();
  }
  row.state = task.state;
  row.promise = task.promise;
  row.attempt = task.attempt;
  row.attemptBase = task.attemptBase;
  row.notBefore = task.notBefore;
  row.leaseUntil = task.leaseUntil;
  if (task.forwardTo != nullptr) row.forwardTo = task.forwardTo->id;
  if (task.value) row.value = task.value->dump();
  if (task.error) row.error = Json(*task.error).dump();
  row.createdAt = task.createdAt;
  row.readyAt = task.readyAt;
  row.startedAt = task.startedAt;
  row.endedAt = task.endedAt;
  return row;
}

ProcessInfo Engine::infoOf(const Process& process, bool withTags) const {
  ProcessInfo info;
  info.processId = process.id;
  info.taskId = process.startTask->id;
  info.customId = process.customId;
  info.actor = *process.startTask->actor;
  info.method = *process.startTask->method;
  info.state = process.state;
  info.startedAt = process.startedAt;
  if (process.state == ProcessState::Completed || process.state == ProcessState::Aborted) {
    info.endedAt = process.endedAt;
  }
  if (process.state == ProcessState::Completed && process.startTask->value) {
    info.result = *process.startTask->value;
  }
  info.error = process.error;
  info.failedTaskId = process.failedTaskId;
  info.paused = process.paused;
  if (withTags) info.tags = process.tags;
  if (process.deadlineAt != 0) info.deadline = process.deadlineAt;
  return info;
}

ProcessRow Engine::rowOf(Process& process) {
  ProcessRow row;
  row.isNew = !process.rowWritten;
  row.info = infoOf(process, /*withTags=*/row.isNew);
  row.partition = process.partition;
  row.requestId = process.requestId;
  row.wakeAt = process.wakeAt;
  process.rowWritten = true;
  return row;
}

void Engine::materialize(GroupCommit::Batch& batch, WriteBatch& rows) {
  const std::int64_t now = nowMs();
  // Processes whose next event is far away, or that wait for memory, are written as dormant
  // (wake_at set) and leave memory once this batch is durable; ones no longer dormant clear it.
  // (Each process and task once: stamped with the batch, which is cheaper than a hash set.)
  std::vector<Process*> touched;
  const auto touch = [&](Process* process) {
    if (process->touchedIn == batch.seq) return;
    process->touchedIn = batch.seq;
    touched.push_back(process);
  };
  for (Process* process : batch.effects.changedProcesses) touch(process);
  for (Task* task : batch.effects.changedTasks) touch(task->process);
  std::vector<Process*> rewritten;
  for (Process* process : touched) {
    std::optional<std::int64_t> until = leaveMemoryUntil(*process, now);
    // A process that did not leave memory waiting for it stays an ordinary live one (its start
    // task is queued after this commit: it must never leave memory with it).
    if (!until) process->waitingForMemory = false;
    if (until == process->wakeAt) continue;
    process->wakeAt = until;
    rewritten.push_back(process);
    if (until) batch.dormant.push_back(process);
  }
  for (const auto* group : {&batch.effects.changedProcesses, &rewritten}) {
    for (Process* process : *group) {
      if (process->writtenIn == batch.seq) continue;
      process->writtenIn = batch.seq;
      rows.processes.push_back(rowOf(*process));
    }
  }
  rows.tasks.reserve(batch.effects.changedTasks.size());
  for (Task* task : batch.effects.changedTasks) {
    if (task->writtenIn == batch.seq) continue;
    task->writtenIn = batch.seq;
    rows.tasks.push_back(rowOf(*task, /*takeSpec=*/true));
    // An event task that ended has no more use for its wait or delivery rows.
    if (task->type == TaskType::Event && !isLive(task->state)) {
      batch.events.ended.push_back(task->id);
    }
  }
  batch.events.now = now;
}

void Engine::afterCommit(std::unique_lock<std::mutex>& lock, GroupCommit::Batch& batch) {
  const std::int64_t now = nowMs();
  std::vector<std::function<void()>> answers;
  answers.reserve(batch.callbacks.size());
  for (auto& callback : batch.callbacks) {
    answers.push_back([callback = std::move(callback)] { callback(std::nullopt); });
  }

  Effects effects;
  applyEventAnswers(batch, now, effects);

  // Dormant processes leave memory unless something changed them since; a process waiting for
  // memory that stays is an ordinary live one from now on. One that stays is dormant in the
  // store all the same: the next batch writes it again (dormant, to leave then, or not), so
  // that no process in memory stays dormant in the store, uncounted (wake scans would keep
  // finding it in place of those that wait).
  std::unordered_set<Process*> leaving;
  for (Process* process : batch.dormant) {
    if (process->lastBatch <= commits_.committedSeq() && process->wakeAt &&
        leaveMemoryUntil(*process, now) == process->wakeAt) {
      leaving.insert(process);
    } else {
      process->waitingForMemory = false;
      if (process->wakeAt) {
        process->wakeAt.reset();
        effects.changedProcesses.push_back(process);
      }
    }
  }

  // Tasks made ready by this batch are durable now: queue them (not those leaving memory).
  for (Task* task : batch.effects.readied) {
    if (task->state == TaskState::Ready && !leaving.contains(task->process)) queues_.push(*task);
  }
  serveParkedPolls(now, effects, answers);

  // Watchers of processes that ended or broke.
  std::unordered_set<const Process*> notified;
  for (Process* process : batch.effects.changedProcesses) {
    if (process->state == ProcessState::Running || !notified.insert(process).second) continue;
    watches_.answer(process->id, [&] { return infoOf(*process); }, answers);
  }

  // Ended processes leave memory once no open batch refers to them.
  endedAwaitingEviction_.insert(endedAwaitingEviction_.end(), batch.effects.ended.begin(),
                                batch.effects.ended.end());
  std::vector<Process*> keep;
  bool freed = false;
  for (Process* process : endedAwaitingEviction_) {
    if (process->lastBatch <= commits_.committedSeq()) {
      budget_.ended(process->memoryBytes);
      evict(*process);
      freed = true;
    } else {
      keep.push_back(process);
    }
  }
  endedAwaitingEviction_ = std::move(keep);

  for (Process* process : leaving) {
    budget_.left(process->partition, *process->wakeAt, process->startedAt);
    evict(*process);
    freed = true;
  }
  if (freed) roomFreed();

  absorb(effects);
  lock.unlock();
  runAnswers(answers);
  lock.lock();
}

void Engine::afterFailedCommit(std::unique_lock<std::mutex>& lock,
                               std::vector<GroupCommit::Callback> callbacks,
                               const std::string& why) {
  const Error error(ErrorCode::Unavailable,
                    fmt::format("the change could not be made durable ({}); retry", why));
  std::vector<std::function<void()>> answers;
  for (auto& callback : callbacks) {
    answers.push_back([callback = std::move(callback), error] { callback(error); });
  }
  watches_.answerAll([&error](const Uuid&) { return std::optional<Result<ProcessInfo>>(error); },
                     answers);
  endedAwaitingEviction_.clear();
  std::vector<Process*> everything;
  graph_.forEachProcess(
      [&](const Process& process) { everything.push_back(const_cast<Process*>(&process)); });
  for (Process* process : everything) evict(*process);
  queues_.clear();
  ownership_.setAll(false);
  // Partitions are counted again as they are loaded again.
  budget_.clear();
  storeProblem_ = why;
  if (store_->cluster() == nullptr) {
    reloadBackoffMs_ = options_.reloadFirstMs;
    nextReloadAt_ = nowMs() + reloadBackoffMs_;
    timers_.wakeOne();
  }
  lock.unlock();
  runAnswers(answers);
  lock.lock();
}

}  // namespace pledge::server
