// Loading processes from the store into memory and letting them go: at start, when partitions
// are adopted or dropped, when dormant processes wake, and after a failed commit.
#include <spdlog/spdlog.h>

#include <chrono>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/engine_internal.h"
#include "pledge/limits.h"
#include "pledge/server/engine/engine.h"

namespace pledge::server {

void Engine::adopt(LiveState live, std::int64_t now, Effects& effects) {
  // Rows were checked when they came in, under the limits of their day.
  limits::Ignored stored;
  std::unordered_map<Uuid, Process*> processes;
  for (ProcessRow& row : live.processes) {
    if (graph_.findProcess(row.info.processId) != nullptr || !serving(row.partition)) continue;
    auto process = std::make_unique<Process>();
    process->id = row.info.processId;
    process->partition = row.partition;
    process->customId = row.info.customId;
    process->requestId = row.requestId;
    process->tags = std::move(row.info.tags);
    process->state = row.info.state;
    process->startedAt = row.info.startedAt;
    process->error = row.info.error;
    process->failedTaskId = row.info.failedTaskId;
    process->paused = row.info.paused;
    process->rowWritten = true;
    process->reportedState = row.info.state;
    const Uuid id = process->id;
    Process& adopted = graph_.restoreProcess(std::move(process));
    graph_.expect(adopted, budget_.expectedBytes());
    processes.emplace(id, &adopted);
    if (row.wakeAt) {
      // Woken: the next batch clears wake_at in the store.
      effects.changedProcesses.push_back(&adopted);
      budget_.loaded(row.partition, *row.wakeAt, row.info.startedAt);
    }
  }
  std::vector<std::pair<Task*, Uuid>> forwards;
  // Start tasks' processDeadline by task id.
  std::unordered_map<Uuid, std::int64_t> deadlines;
  for (TaskRow& row : live.tasks) {
    auto found = processes.find(row.processId);
    if (found == processes.end()) continue;
    TaskSpec spec = parseJson(row.spec).get<TaskSpec>();
    auto task = std::make_unique<Task>();
    task->id = row.id;
    task->parentId = row.parentId.value_or(Uuid());
    task->seq = row.seq;
    task->actor = graph_.intern(spec.actor);
    task->method = graph_.intern(spec.method);
    task->taskList = graph_.intern(spec.options.taskList.value_or(""));
    task->type = spec.type;
    task->args = std::move(spec.args);
    task->priority = spec.options.priority.value_or(0);
    task->timeoutMs = spec.options.timeoutMs.value_or(options_.defaultTimeoutMs);
    task->retry = graph_.internRetry(spec.options.retry);
    if (ProcessGraph::isSystemTask(*task)) task->waitMs = spec.options.timeoutMs.value_or(0);
    task->notBefore = row.notBefore;
    task->scheduleToStartMs = spec.options.scheduleToStartMs.value_or(0);
    if (spec.processDeadline) deadlines.emplace(row.id, *spec.processDeadline);
    task->state = row.state;
    task->promise = row.promise;
    task->attempt = row.attempt;
    task->attemptBase = row.attemptBase;
    task->leaseUntil = row.leaseUntil;
    if (!row.value.empty()) task->value = std::make_shared<const Json>(parseJson(row.value));
    if (!row.error.empty()) task->error = parseJson(row.error).get<TaskError>();
    if (task->state == TaskState::Completed || task->state == TaskState::Failed) {
      task->releasedAttempt = task->attempt;
    }
    task->createdAt = row.createdAt;
    task->readyAt = row.readyAt;
    task->startedAt = row.startedAt;
    task->endedAt = row.endedAt;
    Task& restored =
        graph_.restoreTask(*found->second, std::move(task), row.spec.size() + row.value.size());
    if (row.forwardTo) forwards.emplace_back(&restored, *row.forwardTo);
  }
  for (const ProcessRow& row : live.processes) {
    auto found = processes.find(row.info.processId);
    if (found == processes.end()) continue;
    found->second->startTask = graph_.findTask(row.info.taskId);
    PLEDGE_ASSERT(found->second->startTask != nullptr, "process {} lost its start task {}",
                  row.info.processId.toString(), row.info.taskId.toString());
    if (auto deadline = deadlines.find(row.info.taskId); deadline != deadlines.end()) {
      found->second->deadlineAt = deadline->second;
      effects.deadlines.push_back(found->second);
    }
  }
  for (auto& [task, target] : forwards) task->forwardTo = graph_.findTask(target);
  graph_.settleRestored(now, effects);
}

void Engine::evict(Process& process) {
  if (loadsInFlight_ > 0) leftDuringLoads_.insert(process.id);
  startKeys_.leaving(process);
  graph_.evict(process);
}

std::optional<std::int64_t> Engine::dormantUntil(const Process& process, std::int64_t now) const {
  if (options_.dormantAfterMs <= 0 || process.state != ProcessState::Running ||
      process.scheduledTasks == 0 || watches_.watched(process.id)) {
    return std::nullopt;
  }
  std::optional<std::int64_t> earliest;
  for (const auto& task : process.tasks) {
    switch (task->state) {
      case TaskState::Scheduled:
        earliest = std::min(earliest.value_or(task->notBefore), task->notBefore);
        break;
      case TaskState::Ready:
      case TaskState::Leased:
      case TaskState::Listening: return std::nullopt;
      default: break;
    }
  }
  // A deadline wakes it too (and fires once it is back in memory).
  if (earliest && process.deadlineAt != 0) earliest = std::min(*earliest, process.deadlineAt);
  if (!earliest || *earliest < now + options_.dormantAfterMs) return std::nullopt;
  return earliest;
}

LiveState Engine::readDormant(std::unique_lock<std::mutex>& lock,
                              const std::function<std::vector<Uuid>()>& ids, bool* stale) {
  ++loadsInFlight_;
  lock.unlock();
  LiveState live;
  std::exception_ptr failed;
  try {
    const std::vector<Uuid> wanted = ids();
    if (!wanted.empty()) live = store_->loadProcesses(wanted);
  } catch (...) {
    failed = std::current_exception();
  }
  lock.lock();
  std::erase_if(live.processes, [&](const ProcessRow& row) {
    if (leftDuringLoads_.contains(row.info.processId)) {
      if (stale != nullptr) *stale = true;
      return true;
    }
    return graph_.findProcess(row.info.processId) != nullptr;
  });
  if (--loadsInFlight_ == 0) leftDuringLoads_.clear();
  if (failed) std::rethrow_exception(failed);
  return live;
}

void Engine::wakeDueProcesses(std::unique_lock<std::mutex>& lock) {
  const std::int64_t now = nowMs();
  // (The count is never lower than what waits in the store: MemoryBook.)
  if (now < nextWakeScan_ || budget_.dormant() <= 0) return;
  nextWakeScan_ = now + 1'000;
  // Under a memory budget: no more than fit (the next room freed scans again, see roomFreed).
  const int limit = processesThatFit();
  dueLeftForRoom_ = limit == 0;
  if (limit == 0) return;
  const PartitionSet partitions = ownership_.served();
  if (!partitions.everything && partitions.list.empty()) return;
  std::size_t due = 0;
  LiveState live;
  try {
    live = readDormant(lock, [&] {
      std::vector<Uuid> ids = store_->dormantDue(now + options_.wakeAheadMs, limit, partitions);
      due = ids.size();
      return ids;
    });
  } catch (const std::exception& error) {
    // The store is unreachable for now; the next scan tries again.
    spdlog::warn("cannot wake dormant processes: {}", error.what());
    return;
  }
  // More may be due than one scan takes.
  if (due == static_cast<std::size_t>(limit)) {
    nextWakeScan_ = 0;
    dueLeftForRoom_ = true;
  }
  std::erase_if(live.processes, [](const ProcessRow& row) { return !row.wakeAt; });
  if (live.processes.empty()) return;
  Effects effects;
  adopt(std::move(live), nowMs(), effects);
  absorb(effects);
}

void Engine::reloadWhenDue(std::unique_lock<std::mutex>& lock) {
  if (!storeProblem_ || store_->cluster() != nullptr || stopping_ || nowMs() < nextReloadAt_)
    return;
  lock.unlock();
  std::optional<std::string> failure;
  LiveState live;
  std::int64_t dormant = 0;
  std::int64_t due = 0;
  const std::int64_t now = nowMs();
  try {
    store_->checkWritable();
    live = store_->loadLive(loadHorizon(now), PartitionSet::all());
    dormant = store_->countDormant(kEveryDormant, PartitionSet::all());
    due = store_->countDormant(now, PartitionSet::all());
  } catch (const std::exception& error) {
    failure = error.what();
  }
  lock.lock();
  if (stopping_) return;
  if (failure) {
    storeProblem_ = *failure;
    reloadBackoffMs_ = std::min(reloadBackoffMs_ * 2, options_.reloadMaxMs);
    nextReloadAt_ = nowMs() + reloadBackoffMs_;
    spdlog::warn("the store cannot be written yet ({}); next try in {} ms", *failure,
                 reloadBackoffMs_);
    return;
  }
  const std::size_t processes = live.processes.size();
  ownership_.setAll(true);
  budget_.clear();
  budget_.recount(PartitionSet::all(), dormant, due, now);
  nextWakeScan_ = 0;
  Effects effects;
  adopt(std::move(live), nowMs(), effects);
  absorb(effects);
  storeProblem_.reset();
  nextReloadAt_ = 0;
  std::vector<std::function<void()>> answers;
  serveParkedPolls(nowMs(), effects, answers);
  absorb(effects);
  spdlog::info("the store takes writes again: reloaded {} live processes, serving every partition",
               processes);
  lock.unlock();
  runAnswers(answers);
  lock.lock();
}

void Engine::adoptPartitions(const std::vector<int>& partitions,
                             std::function<bool(int)> stillHeld) {
  std::vector<int> wanted;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    for (int partition : partitions) {
      if (ownership_.idle(partition)) wanted.push_back(partition);
    }
  }
  if (wanted.empty()) return;
  const auto started = std::chrono::steady_clock::now();
  const PartitionSet adopted = PartitionSet::of(wanted);
  const std::int64_t now = nowMs();
  LiveState live = store_->loadLive(loadHorizon(now), adopted);
  // What stays dormant in them is counted (adopt() takes off what it loads), so that wake scans
  // look for it; under a budget, the due ones wait for room.
  const std::int64_t dormant = store_->countDormant(kEveryDormant, adopted);
  const std::int64_t due = store_->countDormant(now, adopted);
  const std::size_t processes = live.processes.size();
  std::unique_lock lock(mutex_);
  if (stopping_) return;
  std::erase_if(wanted, [&](int partition) {
    return !ownership_.idle(partition) || (stillHeld && !stillHeld(partition));
  });
  for (int partition : wanted) ownership_.set(partition, true);
  // (Counted for the partitions asked for; one no longer held is counted high, never low.)
  budget_.recount(adopted, dormant, due, now);
  nextWakeScan_ = 0;
  Effects effects;
  adopt(std::move(live), nowMs(), effects);
  absorb(effects);
  storeProblem_.reset();
  // Tasks that were ready in the store are queued now: wake the polls waiting for them.
  std::vector<std::function<void()>> answers;
  serveParkedPolls(nowMs(), effects, answers);
  absorb(effects);
  lock.unlock();
  runAnswers(answers);
  spdlog::info("now serving partitions {} ({} live processes loaded in {} ms)",
               fmt::join(wanted, ","), processes,
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count());
}

void Engine::dropPartitions(const std::vector<int>& partitions) {
  std::vector<std::function<void()>> answers;
  std::vector<int> leaving;
  {
    std::unique_lock lock(mutex_);
    for (int partition : partitions) {
      if (!ownership_.serving(partition)) continue;
      ownership_.leave(partition);
      leaving.push_back(partition);
    }
    if (leaving.empty()) return;
    // Nothing touches a leaving partition any more; wait until what was done to it is durable.
    commits_.waitForOpen(lock);
    std::vector<Process*> victims;
    graph_.forEachProcess([&](const Process& process) {
      if (ownership_.leaving(process.partition)) {
        victims.push_back(const_cast<Process*>(&process));
      }
    });
    std::erase_if(endedAwaitingEviction_, [&](Process* process) {
      return ownership_.leaving(process->partition);
    });
    for (Process* process : victims) {
      // Long polls on its result ask again; the owner answers them then.
      watches_.answer(process->id, [&] { return infoOf(*process); }, answers);
      evict(*process);
    }
    for (int partition : leaving) ownership_.left(partition);
    spdlog::info("handed over partitions {} ({} processes left memory)", fmt::join(leaving, ","),
                 victims.size());
  }
  runAnswers(answers);
}

}  // namespace pledge::server
