#include "pledge/server/engine/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_set>

#include <fmt/format.h>

#include "pledge/limits.h"

namespace pledge::server {
namespace {

constexpr std::int64_t kPollerMemoryMs = 60'000;
constexpr std::int64_t kIdleTimerWaitMs = 1'000;
// Leases due to be written are gathered this long, so that one wake-up writes many.
constexpr std::int64_t kLeaseWriteSlackMs = 100;
// Workers an actor remembers as its pollers, at most.
constexpr std::size_t kMaxPollersPerActor = 1'000;

// Runs the answers of requests (on an engine thread, outside the lock). An answer that throws is
// a bug; it must not end the thread that serves every other request.
void runAnswers(std::vector<std::function<void()>>& answers) {
  for (auto& answer : answers) {
    try {
      answer();
    } catch (const std::exception& error) {
      spdlog::error("answering a request failed: {}", error.what());
    }
  }
  answers.clear();
}

// A UUID in the partition: random, with its low 16 bits chosen to land there (partitionOf is
// (high ^ low) % partitions, and those bits run through every residue of up to 65536).
Uuid randomIdIn(int partition, int partitions) {
  const Uuid random = Uuid::random();
  const std::uint64_t base = random.low() & ~std::uint64_t{0xFFFF};
  for (std::uint64_t bits = 0; bits <= 0xFFFF; ++bits) {
    const Uuid id(random.high(), base | ((random.low() + bits) & 0xFFFF));
    if (partitionOf(id, partitions) == partition) return id;
  }
  PLEDGE_ASSERT(false, "no id lands in partition {} of {}", partition, partitions);
}

}  // namespace

struct Engine::Batch {
  std::uint64_t seq = 0;
  Effects effects;
  // Run after the commit (or its failure), outside the lock: answers to the requests this
  // batch holds.
  std::vector<std::function<void(const std::optional<Error>&)>> callbacks;
  // Processes this batch wrote as dormant: they leave memory after the commit.
  std::vector<Process*> dormant;

  bool empty() const { return effects.empty() && callbacks.empty(); }
};

struct Engine::ReadyQueue {
  struct Entry {
    int priority;
    std::uint64_t seq;
    Uuid taskId;
    // Max-heap order: higher priority first, then lower (earlier) ready sequence.
    bool operator<(const Entry& other) const {
      if (priority != other.priority) return priority < other.priority;
      return seq > other.seq;
    }
  };

  const std::string* actor = nullptr;
  const std::string* taskList = nullptr;
  std::priority_queue<Entry> heap;
  // Ready order, oldest first, for the age of the oldest ready task. Stale entries are dropped
  // when they reach the front.
  std::deque<std::pair<std::uint64_t, Uuid>> fifo;
};

struct Engine::ParkedPoll {
  std::vector<ReadyQueue*> queues;
  int max = 1;
  std::function<void(std::vector<PolledTask>)> done;
  bool answered = false;
};

struct Engine::ProcessWatch {
  std::function<void(Result<ProcessInfo>)> done;
  bool answered = false;
};

struct Engine::ActorRecord {
  std::optional<std::int64_t> lastPollAt;
  std::map<std::string, std::int64_t> pollers;
};

std::int64_t Engine::steadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t Engine::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

Engine::Engine(std::unique_ptr<Store> store, EngineOptions options, Metrics* metrics)
    : store_(std::move(store)),
      options_(std::move(options)),
      metrics_(metrics),
      startedAt_(nowMs()),
      graph_(store_->partitions(), options_.defaultTimeoutMs),
      open_(std::make_unique<Batch>()),
      ownership_(static_cast<std::size_t>(store_->partitions()), Ownership::None),
      ownedFlags_(std::make_unique<std::atomic<bool>[]>(static_cast<std::size_t>(store_->partitions()))) {
  open_->seq = nextBatchSeq_++;
  for (std::string& actor : store_->blockedActors()) blocked_.insert(std::move(actor));
  if (store_->cluster() == nullptr) {
    // Alone on the store: every partition is ours.
    for (int partition = 0; partition < store_->partitions(); ++partition) setOwnership(partition, true);
    const std::int64_t now = nowMs();
    LiveState live = store_->loadLive(now + options_.wakeAheadMs, PartitionSet::all());
    const std::size_t processes = live.processes.size();
    const std::size_t tasks = live.tasks.size();
    std::lock_guard lock(mutex_);
    Effects effects;
    adopt(std::move(live), now, effects);
    absorb(effects);
    dormantCount_ = store_->countDormant();
    spdlog::info("loaded {} live processes with {} tasks from the store ({} dormant ones stay there)",
                 processes, tasks, dormantCount_.load());
  }
  writer_ = std::thread([this] { writerLoop(); });
  timer_ = std::thread([this] { timerLoop(); });
}

Engine::~Engine() { shutdown(); }

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
    process->state = row.info.state;
    process->startedAt = row.info.startedAt;
    process->error = row.info.error;
    process->failedTaskId = row.info.failedTaskId;
    process->rowWritten = true;
    process->reportedState = row.info.state;
    const Uuid id = process->id;
    Process& adopted = graph_.restoreProcess(std::move(process));
    processes.emplace(id, &adopted);
    if (row.wakeAt) {
      // Woken: the next batch clears wake_at in the store.
      effects.changedProcesses.push_back(&adopted);
      --dormantCount_;
    }
  }
  std::vector<std::pair<Task*, Uuid>> forwards;
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
    task->notBefore = row.notBefore;
    task->state = static_cast<TaskState>(row.state);
    task->promise = static_cast<PromiseState>(row.promise);
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
    Task& restored = graph_.restoreTask(*found->second, std::move(task));
    if (row.forwardTo) forwards.emplace_back(&restored, *row.forwardTo);
  }
  for (const ProcessRow& row : live.processes) {
    auto found = processes.find(row.info.processId);
    if (found == processes.end()) continue;
    found->second->startTask = graph_.findTask(row.info.taskId);
    PLEDGE_ASSERT(found->second->startTask != nullptr, "process {} lost its start task {}",
                  row.info.processId.toString(), row.info.taskId.toString());
  }
  for (auto& [task, target] : forwards) task->forwardTo = graph_.findTask(target);
  graph_.settleRestored(now, effects);
}

void Engine::evict(Process& process) {
  if (!keysInLookup_.empty() && process.startTask != nullptr) {
    const StartedProcess started{process.id, process.startTask->id, true};
    for (const auto& key : {process.customId ? "c:" + *process.customId : std::string(),
                            process.requestId ? "r:" + *process.requestId : std::string()}) {
      if (!key.empty() && keysInLookup_.contains(key)) tombstones_[key] = started;
    }
  }
  graph_.evict(process);
}

std::optional<std::int64_t> Engine::dormantUntil(const Process& process, std::int64_t now) const {
  if (options_.dormantAfterMs <= 0 || process.state != ProcessState::Running || process.scheduledTasks == 0 ||
      processWatches_.contains(process.id)) {
    return std::nullopt;
  }
  std::optional<std::int64_t> earliest;
  for (const auto& task : process.tasks) {
    switch (task->state) {
      case TaskState::Scheduled:
        earliest = std::min(earliest.value_or(task->notBefore), task->notBefore);
        break;
      case TaskState::Ready:
      case TaskState::Leased: return std::nullopt;
      default: break;
    }
  }
  if (!earliest || *earliest < now + options_.dormantAfterMs) return std::nullopt;
  return earliest;
}

std::int64_t Engine::processesInMemory() {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(graph_.processCount());
}

void Engine::wakeDueProcesses(std::unique_lock<std::mutex>& lock) {
  const std::int64_t now = nowMs();
  if (now < nextWakeScan_ || dormantCount_ <= 0) return;
  nextWakeScan_ = now + 1'000;
  const PartitionSet partitions =
      ownedList_.size() == ownership_.size() ? PartitionSet::all() : PartitionSet::of(ownedList_);
  if (!partitions.everything && partitions.list.empty()) return;
  lock.unlock();
  std::vector<Uuid> due;
  LiveState live;
  try {
    due = store_->dormantDue(now + options_.wakeAheadMs, 10'000, partitions);
    if (!due.empty()) live = store_->loadProcesses(due);
  } catch (const Error& error) {
    // The store is unreachable for now; the next scan tries again.
    spdlog::warn("cannot wake dormant processes: {}", error.what());
    lock.lock();
    return;
  }
  lock.lock();
  if (live.processes.empty()) return;
  Effects effects;
  adopt(std::move(live), nowMs(), effects);
  absorb(effects);
  // More may be due than one scan takes.
  if (due.size() == 10'000) nextWakeScan_ = 0;
}

// ---- batches ------------------------------------------------------------------------------

void Engine::absorb(Effects& effects) {
  Batch& batch = *open_;
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
    std::int64_t deadline = task->state == TaskState::Leased ? task->leaseUntil : task->notBefore;
    taskDeadlines_.emplace(deadline, task->id);
    armTimer(deadline);
  }
  if (!effects.empty()) writerWake_.notify_one();
  effects.clear();
}

void Engine::answerWatchers(const Process& process, std::vector<std::function<void()>>& answers) {
  auto watches = processWatches_.find(process.id);
  if (watches == processWatches_.end()) return;
  ProcessInfo info = infoOf(process);
  for (auto& watch : watches->second) {
    if (watch->answered) continue;
    watch->answered = true;
    --parkedWatches_;
    answers.push_back([done = std::move(watch->done), info] { done(info); });
  }
  processWatches_.erase(watches);
}

void Engine::whenDurable(std::function<void(const std::optional<Error>&)> callback) {
  open_->callbacks.push_back(std::move(callback));
  writerWake_.notify_one();
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
  row.state = static_cast<int>(task.state);
  row.promise = static_cast<int>(task.promise);
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

ProcessInfo Engine::infoOf(const Process& process) const {
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
  return info;
}

ProcessRow Engine::rowOf(Process& process) {
  ProcessRow row;
  row.info = infoOf(process);
  row.partition = process.partition;
  row.requestId = process.requestId;
  row.wakeAt = process.wakeAt;
  row.isNew = !process.rowWritten;
  process.rowWritten = true;
  return row;
}

void Engine::materialize(Batch& batch, WriteBatch& rows) {
  const std::int64_t now = nowMs();
  // Processes whose next event is far away are written as dormant (wake_at set) and leave
  // memory once this batch is durable; ones that are no longer dormant clear it.
  std::unordered_set<Process*> touched(batch.effects.changedProcesses.begin(), batch.effects.changedProcesses.end());
  for (Task* task : batch.effects.changedTasks) touched.insert(task->process);
  std::vector<Process*> rewritten;
  for (Process* process : touched) {
    std::optional<std::int64_t> until = dormantUntil(*process, now);
    if (until == process->wakeAt) continue;
    process->wakeAt = until;
    rewritten.push_back(process);
    if (until) batch.dormant.push_back(process);
  }
  std::unordered_set<const Process*> seenProcesses;
  for (const auto* group : {&batch.effects.changedProcesses, &rewritten}) {
    for (Process* process : *group) {
      if (seenProcesses.insert(process).second) rows.processes.push_back(rowOf(*process));
    }
  }
  std::unordered_set<const Task*> seenTasks;
  rows.tasks.reserve(batch.effects.changedTasks.size());
  for (Task* task : batch.effects.changedTasks) {
    if (seenTasks.insert(task).second) rows.tasks.push_back(rowOf(*task, /*takeSpec=*/true));
  }
}

void Engine::writerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    writerWake_.wait(lock, [&] { return stopping_ || !open_->empty(); });
    if (open_->empty()) {
      if (stopping_) break;
      continue;
    }
    std::unique_ptr<Batch> batch = std::move(open_);
    open_ = std::make_unique<Batch>();
    open_->seq = nextBatchSeq_++;
    WriteBatch rows;
    materialize(*batch, rows);
    committingSeq_ = batch->seq;
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    try {
      store_->commit(rows);
    } catch (const std::exception& error) {
      // Memory is ahead of the store: forget it and reload what the store holds (this engine
      // when alone on its store, else the Cluster for the partitions it still holds). Nothing
      // of the batch was acknowledged.
      spdlog::error("store commit failed; this node serves again once its partitions are reloaded from "
                    "the store: {}",
                    error.what());
      if (metrics_ != nullptr) metrics_->commitFailed();
      lock.lock();
      std::vector<std::function<void()>> answers = forgetEverything(*batch, error.what());
      storeProblem_ = error.what();
      if (store_->cluster() == nullptr) {
        reloadBackoffMs_ = options_.reloadFirstMs;
        nextReloadAt_ = nowMs() + reloadBackoffMs_;
        timerWake_.notify_one();
      }
      lock.unlock();
      runAnswers(answers);
      lock.lock();
      continue;
    }
    if (metrics_ != nullptr) {
      metrics_->batchCommitted(
          static_cast<std::int64_t>(rows.tasks.size() + rows.processes.size()),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    lock.lock();
    committedSeq_ = batch->seq;
    committingSeq_ = 0;
    afterCommit(lock, *batch);
    committed_.notify_all();
  }
}

void Engine::afterCommit(std::unique_lock<std::mutex>& lock, Batch& batch) {
  const std::int64_t now = nowMs();
  std::vector<std::function<void()>> answers;
  answers.reserve(batch.callbacks.size());
  for (auto& callback : batch.callbacks) {
    answers.push_back([callback = std::move(callback)] { callback(std::nullopt); });
  }

  // Tasks made ready by this batch are durable now: queue them.
  for (Task* task : batch.effects.readied) {
    if (task->state != TaskState::Ready) continue;
    ReadyQueue& queue = queueFor(task->actor, task->taskList);
    queue.heap.push(ReadyQueue::Entry{task->priority, task->readySeq, task->id});
    queue.fifo.emplace_back(task->readySeq, task->id);
  }
  Effects effects;
  serveParkedPolls(now, effects, answers);

  // Watchers of processes that ended or broke.
  std::unordered_set<const Process*> notified;
  for (Process* process : batch.effects.changedProcesses) {
    if (process->state == ProcessState::Running || !notified.insert(process).second) continue;
    answerWatchers(*process, answers);
  }

  // Ended processes leave memory once no open batch refers to them.
  endedAwaitingEviction_.insert(endedAwaitingEviction_.end(), batch.effects.ended.begin(),
                                batch.effects.ended.end());
  std::vector<Process*> keep;
  for (Process* process : endedAwaitingEviction_) {
    if (process->lastBatch <= committedSeq_) {
      evict(*process);
    } else {
      keep.push_back(process);
    }
  }
  endedAwaitingEviction_ = std::move(keep);

  // Dormant processes leave memory unless something changed them since.
  for (Process* process : batch.dormant) {
    if (process->lastBatch > committedSeq_ || !process->wakeAt ||
        dormantUntil(*process, now) != process->wakeAt) {
      continue;
    }
    evict(*process);
    ++dormantCount_;
  }

  absorb(effects);
  lock.unlock();
  runAnswers(answers);
  lock.lock();
}

// ---- queues -------------------------------------------------------------------------------

Engine::ReadyQueue& Engine::queueFor(const std::string* actor, const std::string* taskList) {
  auto& slot = queues_[QueueKey{actor, taskList}];
  if (!slot) {
    slot = std::make_unique<ReadyQueue>();
    slot->actor = actor;
    slot->taskList = taskList;
  }
  return *slot;
}

Engine::ReadyQueue* Engine::findQueue(const std::string& actor, const std::string& taskList) {
  return &queueFor(graph_.intern(actor), graph_.intern(taskList));
}

Task* Engine::popReady(ReadyQueue& queue) {
  while (!queue.heap.empty()) {
    ReadyQueue::Entry entry = queue.heap.top();
    queue.heap.pop();
    Task* task = graph_.findTask(entry.taskId);
    if (task != nullptr && task->state == TaskState::Ready && task->readySeq == entry.seq &&
        serving(task->process->partition)) {
      return task;
    }
  }
  return nullptr;
}

void Engine::takeTasks(const std::vector<ReadyQueue*>& queues, int max, std::int64_t now,
                       Effects& effects, std::vector<PolledTask>& out) {
  for (ReadyQueue* queue : queues) {
    if (blocked_.contains(*queue->actor)) continue;
    while (static_cast<int>(out.size()) < max) {
      Task* task = popReady(*queue);
      if (task == nullptr) break;
      if (metrics_ != nullptr && task->readyStampUs != 0) {
        metrics_->handedOut(static_cast<double>(steadyUs() - task->readyStampUs) / 1e6);
      }
      leaseTask(*task, now, effects);
      out.push_back(graph_.polledTask(*task));
    }
  }
  if (metrics_ != nullptr && !out.empty()) {
    metrics_->tasksHandedOut(static_cast<std::int64_t>(out.size()));
  }
}

void Engine::serveParkedPolls(std::int64_t now, Effects& effects,
                              std::vector<std::function<void()>>& answers) {
  if (parkedPolls_.empty()) return;
  std::vector<std::shared_ptr<ParkedPoll>> waiting;
  for (auto& parked : parkedPolls_) {
    if (parked->answered) continue;
    std::vector<PolledTask> tasks;
    takeTasks(parked->queues, parked->max, now, effects, tasks);
    if (tasks.empty()) {
      waiting.push_back(parked);
      continue;
    }
    parked->answered = true;
    answers.push_back([done = std::move(parked->done), tasks = std::move(tasks)]() mutable {
      done(std::move(tasks));
    });
  }
  parkedPolls_ = std::move(waiting);
}

void Engine::notePoll(const PollRequest& request, std::int64_t now) {
  for (const QueueRef& queue : request.queues) {
    ActorRecord& record = actors_[queue.actor];
    record.lastPollAt = now;
    if (record.pollers.size() >= kMaxPollersPerActor && !record.pollers.contains(request.worker)) {
      std::erase_if(record.pollers, [&](const auto& poller) { return poller.second < now - kPollerMemoryMs; });
      if (record.pollers.size() >= kMaxPollersPerActor) continue;
    }
    record.pollers[request.worker] = now;
  }
}

// ---- timers -------------------------------------------------------------------------------

void Engine::armTimer(std::int64_t deadline) {
  if (deadline < timerArmedFor_) timerWake_.notify_one();
}

void Engine::timerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wakeDueProcesses(lock);
    reloadWhenDue(lock);
    if (stopping_) break;
    std::int64_t now = nowMs();
    std::int64_t next = now + kIdleTimerWaitMs;
    if (storeProblem_ && nextReloadAt_ > 0) next = std::min(next, nextReloadAt_);
    if (!taskDeadlines_.empty()) next = std::min(next, taskDeadlines_.top().first);
    if (!requestDeadlines_.empty()) next = std::min(next, requestDeadlines_.begin()->first);
    if (!unwrittenLeases_.empty()) {
      next = std::min(next, std::get<0>(unwrittenLeases_.front()) + kLeaseWriteSlackMs);
    }
    if (next > now) {
      timerArmedFor_ = next;
      timerWake_.wait_for(lock, std::chrono::milliseconds(next - now));
      timerArmedFor_ = 0;
      continue;
    }
    Effects effects;
    std::vector<std::function<void()>> answers;
    writeDueLeases(now, effects);
    while (!taskDeadlines_.empty() && taskDeadlines_.top().first <= now) {
      Uuid id = taskDeadlines_.top().second;
      taskDeadlines_.pop();
      Task* task = graph_.findTask(id);
      if (task == nullptr || !serving(task->process->partition)) continue;
      const bool wasLeased = task->state == TaskState::Leased;
      graph_.onDeadline(*task, now, effects);
      if (wasLeased && task->state != TaskState::Leased && metrics_ != nullptr) {
        metrics_->taskFailed();
        if (isLive(task->state)) metrics_->taskRetried();
      }
    }
    while (!requestDeadlines_.empty() && requestDeadlines_.begin()->first <= now) {
      auto expire = std::move(requestDeadlines_.begin()->second);
      requestDeadlines_.erase(requestDeadlines_.begin());
      try {
        expire();
      } catch (const std::exception& error) {
        spdlog::error("answering a waiting request failed: {}", error.what());
      }
    }
    // Parked requests that expired answered through answers_ below.
    std::swap(answers, expiredAnswers_);
    absorb(effects);
    lock.unlock();
    runAnswers(answers);
    lock.lock();
  }
}

void Engine::reloadWhenDue(std::unique_lock<std::mutex>& lock) {
  if (!storeProblem_ || store_->cluster() != nullptr || stopping_ || nowMs() < nextReloadAt_) return;
  lock.unlock();
  std::optional<std::string> failure;
  LiveState live;
  std::int64_t dormant = 0;
  try {
    store_->checkWritable();
    live = store_->loadLive(nowMs() + options_.wakeAheadMs, PartitionSet::all());
    dormant = store_->countDormant();
  } catch (const std::exception& error) {
    failure = error.what();
  }
  lock.lock();
  if (stopping_) return;
  if (failure) {
    storeProblem_ = *failure;
    reloadBackoffMs_ = std::min(reloadBackoffMs_ * 2, options_.reloadMaxMs);
    nextReloadAt_ = nowMs() + reloadBackoffMs_;
    spdlog::warn("the store cannot be written yet ({}); next try in {} ms", *failure, reloadBackoffMs_);
    return;
  }
  const std::size_t processes = live.processes.size();
  for (int partition = 0; partition < partitions(); ++partition) setOwnership(partition, true);
  dormantCount_ = dormant;
  Effects effects;
  adopt(std::move(live), nowMs(), effects);
  absorb(effects);
  storeProblem_.reset();
  nextReloadAt_ = 0;
  std::vector<std::function<void()>> answers;
  serveParkedPolls(nowMs(), effects, answers);
  absorb(effects);
  spdlog::info("the store takes writes again: reloaded {} live processes, serving every partition", processes);
  lock.unlock();
  runAnswers(answers);
  lock.lock();
}

std::optional<std::string> Engine::storeProblem() {
  std::lock_guard lock(mutex_);
  return storeProblem_;
}

void Engine::checkRoomFor(const std::vector<QueueRef>& queues) const {
  std::size_t newNames = 0;
  std::size_t newQueues = 0;
  for (const QueueRef& queue : queues) {
    const std::string* actor = graph_.findName(queue.actor);
    const std::string* taskList = graph_.findName(queue.taskList);
    newNames += (actor != nullptr ? 0 : 1) + (taskList != nullptr ? 0 : 1);
    const QueueKey key{actor, taskList};
    if (actor == nullptr || taskList == nullptr || (!queues_.contains(key) && !graph_.queueCounts().contains(key))) {
      ++newQueues;
    }
  }
  const std::size_t tracked = std::max(queues_.size(), graph_.queueCounts().size());
  if (newQueues > 0 && tracked + newQueues > options_.maxQueues) {
    throw Error(ErrorCode::LimitExceeded,
                fmt::format("actors: the server tracks its limit of {} queues (actor and task list pairs); "
                            "poll queues that exist, or raise --max-queues",
                            options_.maxQueues));
  }
  if (newNames > 0 && graph_.nameCount() + newNames > options_.maxNames) {
    throw Error(ErrorCode::LimitExceeded,
                fmt::format("actors: the server tracks its limit of {} names (actors, methods, task lists)",
                            options_.maxNames));
  }
}

std::optional<Error> Engine::checkRoomFor(const std::vector<TaskSpec>& specs) const {
  if (specs.empty()) return std::nullopt;
  std::unordered_set<std::string_view> names;
  std::set<std::pair<std::string_view, std::string_view>> queues;
  for (const TaskSpec& spec : specs) {
    const std::string& taskList = spec.options.taskList ? *spec.options.taskList : std::string();
    for (const std::string* name : {&spec.actor, &spec.method}) {
      if (!graph_.knowsName(*name)) names.insert(*name);
    }
    if (!graph_.knowsName(taskList)) names.insert(taskList);
    if (!graph_.knowsName(spec.actor) || !graph_.knowsName(taskList)) queues.emplace(spec.actor, taskList);
  }
  const std::size_t tracked = std::max(queues_.size(), graph_.queueCounts().size());
  if (!queues.empty() && tracked + queues.size() > options_.maxQueues) {
    return Error(ErrorCode::LimitExceeded,
                 fmt::format("tasks: they would add {} queues to the {} the server tracks, over its limit of {}",
                             queues.size(), tracked, options_.maxQueues));
  }
  if (!names.empty() && graph_.nameCount() + names.size() > options_.maxNames) {
    return Error(ErrorCode::LimitExceeded,
                 fmt::format("tasks: they would add {} names (actors, methods, task lists) to the {} the server "
                             "tracks, over its limit of {}",
                             names.size(), graph_.nameCount(), options_.maxNames));
  }
  return std::nullopt;
}

// ---- operations ---------------------------------------------------------------------------

std::string Engine::startKey(const StartRequest& request) {
  if (request.options.customId) return "c:" + *request.options.customId;
  if (request.options.requestId) return "r:" + *request.options.requestId;
  return {};
}

std::optional<StartedProcess> Engine::startedInMemory(const StartRequest& request) const {
  const Process* process = nullptr;
  if (request.options.customId) {
    process = graph_.findByCustomId(*request.options.customId);
  } else if (request.options.requestId) {
    process = graph_.findByRequestId(*request.options.requestId);
  }
  if (process != nullptr) return StartedProcess{process->id, process->startTask->id, true};
  if (!tombstones_.empty()) {
    auto tombstone = tombstones_.find(startKey(request));
    if (tombstone != tombstones_.end()) return tombstone->second;
  }
  return std::nullopt;
}

Result<StartedProcess> Engine::startLocked(const StartRequest& request, std::int64_t now, Effects& effects,
                                           const std::optional<StartedProcess>& stored,
                                           const std::optional<Error>& lookupFailed) {
  const std::optional<int> partition = partitionOfStart(request);
  if (partition && !serving(*partition)) return notServed(*partition);
  if (auto existing = startedInMemory(request)) return *existing;
  if (stored) return *stored;
  if (lookupFailed) return *lookupFailed;
  std::optional<Uuid> processId = newProcessId(partition);
  if (!processId) {
    if (storeProblem_) return notServed(0);
    return Error(ErrorCode::Unavailable, "this node serves no partition yet (it is joining the cluster); retry");
  }
  Process& process = graph_.startProcess(request, *processId, Uuid::random(), now, effects);
  if (metrics_ != nullptr) metrics_->processStarted();
  return StartedProcess{process.id, process.startTask->id, false};
}

std::optional<Uuid> Engine::newProcessId(std::optional<int> partition) {
  if (partition) return randomIdIn(*partition, partitions());
  if (ownedList_.size() == ownership_.size()) return Uuid::random();
  if (ownedList_.empty()) return std::nullopt;
  return randomIdIn(ownedList_[nextOwned_++ % ownedList_.size()], partitions());
}

Error Engine::notServed(int partition) const {
  if (storeProblem_) {
    return Error(ErrorCode::Unavailable,
                 fmt::format("the store cannot be written now ({}); node {} serves again once it can, by itself; "
                             "retry",
                             *storeProblem_, options_.nodeName));
  }
  return Error(ErrorCode::Unavailable,
               fmt::format("partition {} is not served by node {} now (it moves between nodes); retry",
                           partition, options_.nodeName));
}

void Engine::startProcess(const StartRequest& request,
                          std::function<void(Result<StartedProcess>)> done) {
  startProcesses({request}, [done = std::move(done)](std::vector<Result<StartedProcess>> results) {
    done(std::move(results.front()));
  });
}

void Engine::startProcesses(const std::vector<StartRequest>& requests,
                            std::function<void(std::vector<Result<StartedProcess>>)> done) {
  auto stoppingAnswer = [&] {
    return std::vector<Result<StartedProcess>>(requests.size(), Error(ErrorCode::Unavailable, "the server is stopping"));
  };
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    done(stoppingAnswer());
    return;
  }
  // A start whose key (customId or requestId) is not in memory asks the store whether it ran
  // already, outside the lock and before anything changes. Meanwhile every keyed start of the
  // batch is registered, so that a process of such a key leaving memory leaves a tombstone.
  std::vector<std::size_t> lookups;
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    keys.push_back(startKey(requests[i]));
    if (!keys.back().empty() && !startedInMemory(requests[i])) lookups.push_back(i);
  }
  std::vector<std::optional<StartedProcess>> stored(requests.size());
  std::optional<Error> lookupFailed;
  if (!lookups.empty()) {
    for (const std::string& key : keys) {
      if (!key.empty()) ++keysInLookup_[key];
    }
    lock.unlock();
    std::vector<StartKey> asked;
    for (std::size_t i : lookups) asked.push_back(StartKey{requests[i].options.customId, requests[i].options.requestId});
    try {
      std::vector<std::optional<StartedProcess>> found = store_->findStarts(asked);
      for (std::size_t k = 0; k < lookups.size() && k < found.size(); ++k) stored[lookups[k]] = found[k];
    } catch (const std::exception& error) {
      lookupFailed = Error(ErrorCode::Unavailable,
                           fmt::format("cannot tell whether this start ran already: the store cannot be read "
                                       "({}); retry",
                                       error.what()));
    }
    lock.lock();
  }
  std::vector<Result<StartedProcess>> results;
  if (stopping_) {
    results = stoppingAnswer();
  } else {
    const std::int64_t now = nowMs();
    Effects effects;
    results.reserve(requests.size());
    std::size_t nextLookup = 0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const bool looked = nextLookup < lookups.size() && lookups[nextLookup] == i;
      if (looked) ++nextLookup;
      results.emplace_back(startLocked(requests[i], now, effects, stored[i],
                                       looked ? lookupFailed : std::optional<Error>()));
    }
    absorb(effects);
  }
  if (!lookups.empty()) {
    for (const std::string& key : keys) {
      if (key.empty()) continue;
      auto count = keysInLookup_.find(key);
      if (--count->second == 0) {
        keysInLookup_.erase(count);
        tombstones_.erase(key);
      }
    }
  }
  if (stopping_) {
    lock.unlock();
    done(std::move(results));
    return;
  }
  whenDurable([done = std::move(done), results = std::move(results)](const std::optional<Error>& failed) mutable {
    if (failed) {
      for (auto& result : results) {
        if (result.ok()) result = *failed;
      }
    }
    done(std::move(results));
  });
}

void Engine::checkPoll(const PollRequest& request) const {
  PLEDGE_REQUIRE(!request.queues.empty(), "actors: name at least one actor to poll");
  PLEDGE_REQUIRE(request.max >= 1 && request.max <= options_.maxPollBatch,
                 "max: must be 1 to {}, got {}", options_.maxPollBatch, request.max);
  PLEDGE_REQUIRE(request.waitMs >= 0 && request.waitMs <= options_.maxPollWaitMs,
                 "waitMs: must be 0 to {}, got {}", options_.maxPollWaitMs, request.waitMs);
  for (const QueueRef& queue : request.queues) {
    auto problem = checkActorId(queue.actor);
    PLEDGE_REQUIRE(!problem, "actors: {}", problem.value_or(""));
  }
}

std::function<void()> Engine::poll(const PollRequest& request, std::function<void(std::vector<PolledTask>)> done) {
  checkPoll(request);
  std::vector<PolledTask> tasks;
  {
    std::unique_lock lock(mutex_);
    if (!stopping_) {
      const std::int64_t now = nowMs();
      checkRoomFor(request.queues);
      notePoll(request, now);
      std::vector<ReadyQueue*> queues;
      for (const QueueRef& queue : request.queues) queues.push_back(findQueue(queue.actor, queue.taskList));
      Effects effects;
      takeTasks(queues, request.max, now, effects, tasks);
      absorb(effects);
      if (tasks.empty() && request.waitMs > 0) {
        if (parkedPolls_.size() + parkedWatches_ >= options_.maxParkedRequests) {
          throw Error(ErrorCode::LimitExceeded,
                      fmt::format("waitMs: the server holds its limit of {} waiting requests; poll "
                                  "without waiting or retry later",
                                  options_.maxParkedRequests));
        }
        auto parked = std::make_shared<ParkedPoll>();
        parked->queues = std::move(queues);
        parked->max = request.max;
        parked->done = std::move(done);
        parkedPolls_.push_back(parked);
        const std::int64_t deadline = now + request.waitMs;
        requestDeadlines_.emplace(deadline, [this, parked] {
          if (parked->answered) return;
          parked->answered = true;
          std::erase(parkedPolls_, parked);
          expiredAnswers_.push_back([done = std::move(parked->done)] { done({}); });
        });
        armTimer(deadline);
        return [this, weak = std::weak_ptr<ParkedPoll>(parked)] {
          std::function<void(std::vector<PolledTask>)> answer;
          {
            std::lock_guard guard(mutex_);
            auto cancelled = weak.lock();
            if (!cancelled || cancelled->answered) return;
            cancelled->answered = true;
            std::erase(parkedPolls_, cancelled);
            answer = std::move(cancelled->done);
          }
          answer({});
        };
      }
    }
  }
  done(std::move(tasks));
  return {};
}

void Engine::returnLeases(const std::vector<std::pair<Uuid, int>>& leases) {
  std::lock_guard lock(mutex_);
  Effects effects;
  int returned = 0;
  for (const auto& [id, attempt] : leases) {
    Task* task = graph_.findTask(id);
    if (task == nullptr || task->state != TaskState::Leased || task->attempt != attempt ||
        !serving(task->process->partition)) {
      continue;  // released, expired or moved on meanwhile
    }
    graph_.unlease(*task, nowMs(), effects);
    ++returned;
  }
  if (returned > 0 && metrics_ != nullptr) metrics_->tasksReturned(returned);
  absorb(effects);
}

void Engine::release(const std::vector<Decision>& decisions,
                     std::function<void(std::vector<ReleaseResult>)> done) {
  std::vector<ReleaseResult> results(decisions.size());
  auto answerAll = [&](const Error& error) {
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      results[i] = ReleaseResult{decisions[i].taskId, ReleaseStatus::Rejected, error};
    }
  };
  std::unique_lock lock(mutex_);
  // The store's rows of the tasks not live here (a late or repeated release, a task of another
  // node) are read first, outside the lock, before anything changes: a failed read changes
  // nothing and the release can be retried as a whole.
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < decisions.size() && !stopping_; ++i) {
    if (graph_.findTask(decisions[i].taskId) == nullptr) missing.push_back(i);
  }
  std::vector<std::optional<TaskRow>> rows(decisions.size());
  std::vector<bool> read(decisions.size(), false);
  std::optional<Error> readFailed;
  if (!missing.empty()) {
    lock.unlock();
    try {
      for (std::size_t i : missing) {
        rows[i] = store_->findTask(decisions[i].taskId);
        read[i] = true;
      }
    } catch (const std::exception& error) {
      readFailed = Error(ErrorCode::Unavailable, fmt::format("the store cannot be read now ({}); retry", error.what()));
    }
    lock.lock();
  }
  if (stopping_) {
    answerAll(Error(ErrorCode::Unavailable, "the server is stopping"));
    lock.unlock();
    done(std::move(results));
    return;
  }
  const std::int64_t now = nowMs();
  Effects effects;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const Decision& decision = decisions[i];
    ReleaseResult& result = results[i];
    result.taskId = decision.taskId;
    auto reject = [&](ErrorCode code, std::string message) {
      result.status = ReleaseStatus::Rejected;
      result.error = Error(code, std::move(message));
    };
    Task* task = graph_.findTask(decision.taskId);
    if (task != nullptr && !serving(task->process->partition)) {
      result.status = ReleaseStatus::Rejected;
      result.error = notServed(task->process->partition);
      continue;
    }
    if (task == nullptr) {
      // Not live: its process ended (a late or repeated release), lives on another node, or
      // there is no such task.
      if (!read[i]) {
        result.status = ReleaseStatus::Rejected;
        result.error = readFailed ? *readFailed
                                  : Error(ErrorCode::Unavailable, "the task left memory meanwhile; retry");
        continue;
      }
      const std::optional<TaskRow>& row = rows[i];
      if (row && !serving(graph_.partitionOf(row->processId))) {
        result.status = ReleaseStatus::Rejected;
        result.error = notServed(graph_.partitionOf(row->processId));
      } else if (!row) {
        reject(ErrorCode::NotFound, fmt::format("no task {}", decision.taskId.toString()));
      } else if (row->attempt == decision.attempt &&
                 (row->state == static_cast<int>(TaskState::Completed) ||
                  row->state == static_cast<int>(TaskState::Failed))) {
        result.status = ReleaseStatus::Duplicate;
      } else {
        reject(ErrorCode::Conflict,
               fmt::format("task {} belongs to a process that has ended; attempt {} is stale",
                           decision.taskId.toString(), decision.attempt));
      }
      continue;
    }
    resumeUndurableLease(*task, decision.attempt, now, effects);
    if (task->state == TaskState::Leased && task->attempt == decision.attempt) {
      if (auto full = checkRoomFor(decision.tasks)) {
        reject(full->code(), full->message());
        continue;
      }
      if (auto rejection = graph_.applyDecision(*task, decision, now, effects)) {
        reject(rejection->code, std::move(rejection->message));
        continue;
      }
      if (metrics_ != nullptr) {
        metrics_->taskReleased();
        if (decision.error) {
          metrics_->taskFailed();
          if (isLive(task->state)) metrics_->taskRetried();
        }
      }
    } else if (task->releasedAttempt == decision.attempt) {
      result.status = ReleaseStatus::Duplicate;
    } else if (task->state == TaskState::Cancelled) {
      reject(ErrorCode::Conflict, fmt::format("task {} was cancelled: its process was aborted",
                                              decision.taskId.toString()));
    } else {
      reject(ErrorCode::Conflict,
             fmt::format("attempt {} of task {} is stale: the task is {} on attempt {}",
                         decision.attempt, decision.taskId.toString(), taskStateName(task->state),
                         task->attempt));
    }
  }
  absorb(effects);
  whenDurable([done = std::move(done), results = std::move(results)](const std::optional<Error>& failed) mutable {
    if (failed) {
      for (ReleaseResult& result : results) {
        if (result.status == ReleaseStatus::Rejected) continue;
        result.status = ReleaseStatus::Rejected;
        result.error = *failed;
      }
    }
    done(std::move(results));
  });
}

std::optional<Error> Engine::heartbeat(const Uuid& taskId, int attempt) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Error(ErrorCode::Unavailable, "the server is stopping");
    if (Task* task = graph_.findTask(taskId)) {
      if (!serving(task->process->partition)) return notServed(task->process->partition);
      Effects effects;
      const std::int64_t now = nowMs();
      resumeUndurableLease(*task, attempt, now, effects);
      if (task->state != TaskState::Leased || task->attempt != attempt) {
        absorb(effects);
        return Error(ErrorCode::Conflict,
                     fmt::format("attempt {} of task {} holds no lease: the task is {} on attempt {}",
                                 attempt, taskId.toString(), taskStateName(task->state), task->attempt));
      }
      graph_.heartbeat(*task, now, effects);
      absorb(effects);
      return std::nullopt;
    }
  }
  // Not live here: the store says why (read outside the lock).
  std::optional<TaskRow> row;
  try {
    row = store_->findTask(taskId);
  } catch (const std::exception& error) {
    return Error(ErrorCode::Unavailable, fmt::format("the store cannot be read now ({}); retry", error.what()));
  }
  if (!row) return Error(ErrorCode::NotFound, fmt::format("no task {}", taskId.toString()));
  const int partition = graph_.partitionOf(row->processId);
  std::lock_guard lock(mutex_);
  if (!serving(partition)) return notServed(partition);
  return Error(ErrorCode::Conflict, fmt::format("task {} belongs to a process that has ended", taskId.toString()));
}

void Engine::resumeUndurableLease(Task& task, int attempt, std::int64_t now, Effects& effects) {
  // A lease younger than leaseWriteDelayMs is not written yet (leaseTask): after a restart, or on
  // the node that took the partition over, such a task is Ready one attempt behind. Its holder may still
  // release or extend that attempt; it gets the lease back rather than losing its work.
  if (task.state != TaskState::Ready || attempt != task.attempt + 1) return;
  leaseTask(task, now, effects);
  if (metrics_ != nullptr) metrics_->tasksHandedOut(1);
}

void Engine::leaseTask(Task& task, std::int64_t now, Effects& effects) {
  graph_.lease(task, now, effects);
  if (options_.leaseWriteDelayMs <= 0) {
    effects.changedTasks.push_back(&task);
    return;
  }
  const std::int64_t due = now + options_.leaseWriteDelayMs;
  if (unwrittenLeases_.empty()) armTimer(due + kLeaseWriteSlackMs);
  unwrittenLeases_.emplace_back(due, task.id, task.attempt);
}

void Engine::writeDueLeases(std::int64_t now, Effects& effects) {
  while (!unwrittenLeases_.empty() && std::get<0>(unwrittenLeases_.front()) <= now) {
    const auto [due, id, attempt] = unwrittenLeases_.front();
    unwrittenLeases_.pop_front();
    Task* task = graph_.findTask(id);
    if (task == nullptr || task->state != TaskState::Leased || task->attempt != attempt ||
        !serving(task->process->partition)) {
      continue;  // released, expired or moved on: nothing to write
    }
    effects.changedTasks.push_back(task);
  }
}

std::optional<ProcessInfo> Engine::process(const Uuid& processId) {
  {
    std::lock_guard lock(mutex_);
    if (Process* process = graph_.findProcess(processId)) return infoOf(*process);
  }
  if (auto row = store_->findProcess(processId)) return row->info;
  return std::nullopt;
}

void Engine::awaitProcess(const Uuid& processId, std::int64_t waitMs,
                          std::function<void(Result<ProcessInfo>)> done) {
  PLEDGE_REQUIRE(waitMs >= 0 && waitMs <= options_.maxResultWaitMs, "waitMs: must be 0 to {}, got {}",
                 options_.maxResultWaitMs, waitMs);
  std::unique_lock lock(mutex_);
  Process* process = graph_.findProcess(processId);
  if (process == nullptr) {
    const bool elsewhere = !serving(graph_.partitionOf(processId));
    lock.unlock();
    auto answerFromStore = [this, processId](const std::function<void(Result<ProcessInfo>)>& answer) {
      std::optional<ProcessRow> row;
      try {
        row = store_->findProcess(processId);
      } catch (const std::exception& error) {
        return answer(Error(ErrorCode::Unavailable, fmt::format("the store cannot be read now ({}); retry", error.what())));
      }
      if (row) {
        answer(row->info);
      } else {
        answer(Error(ErrorCode::NotFound, fmt::format("no process {}", processId.toString())));
      }
    };
    auto row = store_->findProcess(processId);
    if (row && elsewhere && row->info.state == ProcessState::Running && waitMs > 0) {
      // Another node serves it (or it is moving): answer from the store after a while, so that
      // a client's wait loop asks again without spinning.
      lock.lock();
      const std::int64_t deadline = nowMs() + std::min<std::int64_t>(waitMs, 1'000);
      requestDeadlines_.emplace(deadline, [this, answerFromStore, done] {
        expiredAnswers_.push_back([answerFromStore, done] { answerFromStore(done); });
      });
      armTimer(deadline);
      return;
    }
    if (row) {
      done(row->info);
    } else {
      done(Error(ErrorCode::NotFound, fmt::format("no process {}", processId.toString())));
    }
    return;
  }
  if (process->state != ProcessState::Running || waitMs == 0 || stopping_) {
    ProcessInfo info = infoOf(*process);
    lock.unlock();
    done(info);
    return;
  }
  if (parkedPolls_.size() + parkedWatches_ >= options_.maxParkedRequests) {
    throw Error(ErrorCode::LimitExceeded,
                fmt::format("waitMs: the server holds its limit of {} waiting requests; ask without waiting "
                            "or retry later",
                            options_.maxParkedRequests));
  }
  auto watch = std::make_shared<ProcessWatch>();
  watch->done = std::move(done);
  processWatches_[processId].push_back(watch);
  ++parkedWatches_;
  const std::int64_t deadline = nowMs() + waitMs;
  requestDeadlines_.emplace(deadline, [this, watch, processId] {
    if (watch->answered) return;
    watch->answered = true;
    --parkedWatches_;
    auto watches = processWatches_.find(processId);
    if (watches != processWatches_.end()) {
      std::erase(watches->second, watch);
      if (watches->second.empty()) processWatches_.erase(watches);
    }
    Process* current = graph_.findProcess(processId);
    if (current == nullptr) {
      // (Every path that takes a watched process out of memory answers its watchers first.)
      spdlog::error("a watched process left memory unanswered: {}", processId.toString());
      expiredAnswers_.push_back([done = std::move(watch->done)] {
        done(Error(ErrorCode::Unavailable, "the process moved; ask again"));
      });
      return;
    }
    expiredAnswers_.push_back([done = std::move(watch->done), info = infoOf(*current)] { done(info); });
  });
  armTimer(deadline);
}

void Engine::restart(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done) {
  operate(Operation::Restart, processId, std::move(done));
}

void Engine::abort(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done) {
  operate(Operation::Abort, processId, std::move(done));
}

namespace {

Error cannot(Engine::Operation operation, ProcessState state) {
  if (operation == Engine::Operation::Restart) {
    return Error(ErrorCode::Conflict,
                 fmt::format("the process is {}; only a broken process can be restarted", processStateName(state)));
  }
  return Error(ErrorCode::Conflict,
               fmt::format("the process is {}: it has ended already; only a running or broken process can be aborted",
                           processStateName(state)));
}

}  // namespace

void Engine::operate(Operation operation, const Uuid& processId, std::function<void(Result<ProcessInfo>)> done) {
  const int partition = graph_.partitionOf(processId);
  std::unique_lock lock(mutex_);
  auto unavailable = [&]() -> std::optional<Error> {
    if (stopping_) return Error(ErrorCode::Unavailable, "the server is stopping");
    if (!serving(partition)) return notServed(partition);
    return std::nullopt;
  };
  std::optional<Error> problem = unavailable();
  Process* process = problem ? nullptr : graph_.findProcess(processId);
  if (!problem && process == nullptr) {
    // Dormant, ended or unknown: the store tells (read outside the lock).
    lock.unlock();
    LiveState stored;
    std::optional<Error> readFailed;
    try {
      stored = store_->loadProcesses({processId});
    } catch (const std::exception& error) {
      readFailed = Error(ErrorCode::Unavailable, fmt::format("the store cannot be read now ({}); retry", error.what()));
    }
    lock.lock();
    problem = unavailable();
    if (!problem) problem = readFailed;
    if (!problem) process = graph_.findProcess(processId);
    if (!problem && process == nullptr) {
      if (stored.processes.empty()) {
        problem = Error(ErrorCode::NotFound, fmt::format("no process {}", processId.toString()));
      } else if (stored.processes.front().wakeAt) {
        Effects woken;
        adopt(std::move(stored), nowMs(), woken);
        absorb(woken);
        process = graph_.findProcess(processId);
      }
      if (!problem && process == nullptr) {
        const ProcessState state = stored.processes.front().info.state;
        problem = state == ProcessState::Running || state == ProcessState::Broken
                      ? Error(ErrorCode::Unavailable, "the process is moving between nodes; retry")
                      : cannot(operation, state);
      }
    }
  }
  if (!problem) {
    const bool allowed = operation == Operation::Restart
                             ? process->state == ProcessState::Broken
                             : process->state == ProcessState::Running || process->state == ProcessState::Broken;
    if (!allowed) problem = cannot(operation, process->state);
  }
  if (problem) {
    lock.unlock();
    done(*problem);
    return;
  }
  Effects effects;
  if (operation == Operation::Restart) {
    graph_.restart(*process, nowMs(), effects);
  } else {
    graph_.abort(*process, nowMs(), effects);
  }
  ProcessInfo info = infoOf(*process);
  absorb(effects);
  whenDurable([done = std::move(done), info](const std::optional<Error>& failed) {
    if (failed) {
      done(*failed);
    } else {
      done(info);
    }
  });
}

std::optional<std::vector<TaskSnapshot>> Engine::processTasks(const Uuid& processId) {
  {
    std::lock_guard lock(mutex_);
    if (Process* process = graph_.findProcess(processId)) {
      std::vector<TaskSnapshot> snapshots;
      snapshots.reserve(process->tasks.size());
      for (const auto& task : process->tasks) {
        TaskSpec spec;
        spec.taskId = task->id;
        spec.actor = *task->actor;
        spec.method = *task->method;
        spec.type = task->type;
        spec.args = task->args;
        if (!task->taskList->empty()) spec.options.taskList = *task->taskList;
        if (task->priority != 0) spec.options.priority = task->priority;
        spec.options.timeoutMs = task->timeoutMs;
        if (task->retry) spec.options.retry = *task->retry;
        snapshots.push_back(TaskSnapshot{std::move(spec), rowOf(*task, /*takeSpec=*/false)});
      }
      return snapshots;
    }
  }
  if (!store_->findProcess(processId)) return std::nullopt;
  limits::Ignored stored;
  std::vector<TaskSnapshot> snapshots;
  for (TaskRow& row : store_->processTasks(processId)) {
    TaskSpec spec = parseJson(row.spec).get<TaskSpec>();
    row.spec.clear();
    snapshots.push_back(TaskSnapshot{std::move(spec), std::move(row)});
  }
  return snapshots;
}

ProcessPage Engine::listProcesses(const ProcessQuery& query) { return store_->listProcesses(query); }

std::vector<QueueStats> Engine::queues() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = nowMs();
  std::map<std::pair<std::string, std::string>, QueueStats> stats;
  for (const auto& [key, counts] : graph_.queueCounts()) {
    if (counts.ready == 0 && counts.running == 0 && counts.waiting == 0) continue;
    QueueStats& entry = stats[{*key.actor, *key.taskList}];
    entry.ready = counts.ready;
    entry.running = counts.running;
    entry.waiting = counts.waiting;
  }
  for (auto& [key, queue] : queues_) {
    QueueStats& entry = stats[{*key.actor, *key.taskList}];
    while (!queue->fifo.empty()) {
      Task* task = graph_.findTask(queue->fifo.front().second);
      if (task != nullptr && task->state == TaskState::Ready &&
          task->readySeq == queue->fifo.front().first) {
        entry.oldestReadyMs = std::max<std::int64_t>(0, now - task->readyAt);
        break;
      }
      queue->fifo.pop_front();
    }
  }
  std::vector<QueueStats> result;
  for (auto& [key, entry] : stats) {
    entry.actor = key.first;
    entry.taskList = key.second;
    result.push_back(std::move(entry));
  }
  return result;
}

std::vector<ActorStats> Engine::actors() {
  std::vector<QueueStats> queueStats = queues();
  std::lock_guard lock(mutex_);
  const std::int64_t now = nowMs();
  std::map<std::string, ActorStats> stats;
  for (const QueueStats& queue : queueStats) {
    ActorStats& actor = stats[queue.actor];
    actor.ready += queue.ready;
    actor.running += queue.running;
    actor.waiting += queue.waiting;
  }
  for (const std::string& actor : blocked_) stats[actor];
  for (const auto& [name, record] : actors_) {
    ActorStats& actor = stats[name];
    actor.lastPollAt = record.lastPollAt;
    for (const auto& [worker, at] : record.pollers) {
      if (at >= now - kPollerMemoryMs) actor.pollers.push_back(PollerStats{worker, at});
    }
  }
  std::vector<ActorStats> result;
  for (auto& [name, actor] : stats) {
    actor.actor = name;
    actor.blocked = blocked_.contains(name);
    result.push_back(std::move(actor));
  }
  return result;
}

void Engine::setBlocked(const std::string& actor, bool blocked) {
  auto problem = checkActorId(actor);
  PLEDGE_REQUIRE(!problem, "actor: {}", problem.value_or(""));
  store_->setActorBlocked(actor, blocked);
  std::vector<std::function<void()>> answers;
  {
    std::lock_guard lock(mutex_);
    if (blocked) {
      blocked_.insert(actor);
    } else {
      blocked_.erase(actor);
      Effects effects;
      serveParkedPolls(nowMs(), effects, answers);
      absorb(effects);
    }
  }
  runAnswers(answers);
}

// ---- partitions ---------------------------------------------------------------------------

bool Engine::owns(int partition) const {
  return partition >= 0 && partition < partitions() && ownedFlags_[static_cast<std::size_t>(partition)].load();
}

int Engine::partitionOfCustomId(const std::string& customId) const {
  return partitionOfKey(customId, partitions());
}

std::optional<int> Engine::partitionOfStart(const StartRequest& request) const {
  if (request.options.customId) return partitionOfCustomId(*request.options.customId);
  if (request.options.requestId) return partitionOfCustomId(*request.options.requestId);
  return std::nullopt;
}

std::vector<int> Engine::ownedPartitions() const {
  std::vector<int> owned;
  for (int partition = 0; partition < partitions(); ++partition) {
    if (owns(partition)) owned.push_back(partition);
  }
  return owned;
}

bool Engine::servesAnyPartition() const {
  for (int partition = 0; partition < partitions(); ++partition) {
    if (owns(partition)) return true;
  }
  return false;
}

std::optional<int> Engine::partitionOfTask(const Uuid& taskId, const std::optional<Uuid>& processHint) {
  if (processHint) return graph_.partitionOf(*processHint);
  {
    std::lock_guard lock(mutex_);
    if (Task* task = graph_.findTask(taskId)) return task->process->partition;
  }
  if (auto row = store_->findTask(taskId)) return graph_.partitionOf(row->processId);
  return std::nullopt;
}

void Engine::setOwnership(int partition, bool owned) {
  ownership_[static_cast<std::size_t>(partition)] = owned ? Ownership::Owned : Ownership::None;
  ownedFlags_[static_cast<std::size_t>(partition)] = owned;
  std::erase(ownedList_, partition);
  if (owned) ownedList_.insert(std::upper_bound(ownedList_.begin(), ownedList_.end(), partition), partition);
}

void Engine::adoptPartitions(const std::vector<int>& partitions, std::function<bool(int)> stillHeld) {
  std::vector<int> wanted;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    for (int partition : partitions) {
      if (ownership_[static_cast<std::size_t>(partition)] == Ownership::None) wanted.push_back(partition);
    }
  }
  if (wanted.empty()) return;
  const auto started = std::chrono::steady_clock::now();
  LiveState live = store_->loadLive(nowMs() + options_.wakeAheadMs, PartitionSet::of(wanted));
  const std::size_t processes = live.processes.size();
  std::unique_lock lock(mutex_);
  if (stopping_) return;
  std::erase_if(wanted, [&](int partition) {
    return ownership_[static_cast<std::size_t>(partition)] != Ownership::None || (stillHeld && !stillHeld(partition));
  });
  for (int partition : wanted) setOwnership(partition, true);
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
  spdlog::info("now serving partitions {} ({} live processes loaded in {} ms)", fmt::join(wanted, ","), processes,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                   .count());
}

void Engine::dropPartitions(const std::vector<int>& partitions) {
  std::vector<std::function<void()>> answers;
  std::vector<int> leaving;
  {
    std::unique_lock lock(mutex_);
    for (int partition : partitions) {
      if (ownership_[static_cast<std::size_t>(partition)] != Ownership::Owned) continue;
      setOwnership(partition, false);
      ownership_[static_cast<std::size_t>(partition)] = Ownership::Leaving;
      leaving.push_back(partition);
    }
    if (leaving.empty()) return;
    // Nothing touches a leaving partition any more; wait until what was done to it is durable.
    const std::uint64_t target = open_->seq;
    writerWake_.notify_one();
    committed_.wait(lock, [&] {
      return stopping_ || committedSeq_ >= target ||
             (open_->seq == target && open_->empty() && committingSeq_ == 0);
    });
    std::vector<Process*> victims;
    graph_.forEachProcess([&](const Process& process) {
      if (ownership_[static_cast<std::size_t>(process.partition)] == Ownership::Leaving) {
        victims.push_back(const_cast<Process*>(&process));
      }
    });
    std::erase_if(endedAwaitingEviction_, [&](Process* process) {
      return ownership_[static_cast<std::size_t>(process->partition)] == Ownership::Leaving;
    });
    for (Process* process : victims) {
      // Long polls on its result ask again; the owner answers them then.
      answerWatchers(*process, answers);
      evict(*process);
    }
    for (int partition : leaving) ownership_[static_cast<std::size_t>(partition)] = Ownership::None;
    spdlog::info("handed over partitions {} ({} processes left memory)", fmt::join(leaving, ","), victims.size());
  }
  runAnswers(answers);
}

std::vector<std::function<void()>> Engine::forgetEverything(Batch& failed, const std::string& why) {
  const Error error(ErrorCode::Unavailable,
                    fmt::format("the change could not be made durable ({}); retry", why));
  std::vector<std::function<void()>> answers;
  for (auto& callback : failed.callbacks) {
    answers.push_back([callback = std::move(callback), error] { callback(error); });
  }
  // The open batch builds on the failed one: drop it as well.
  for (auto& callback : open_->callbacks) {
    answers.push_back([callback = std::move(callback), error] { callback(error); });
  }
  open_ = std::make_unique<Batch>();
  open_->seq = nextBatchSeq_++;
  committedSeq_ = failed.seq;
  committingSeq_ = 0;
  for (auto& [id, watches] : processWatches_) {
    for (auto& watch : watches) {
      if (watch->answered) continue;
      watch->answered = true;
      answers.push_back([done = std::move(watch->done), error] { done(error); });
    }
  }
  processWatches_.clear();
  parkedWatches_ = 0;
  endedAwaitingEviction_.clear();
  std::vector<Process*> everything;
  graph_.forEachProcess([&](const Process& process) { everything.push_back(const_cast<Process*>(&process)); });
  for (Process* process : everything) evict(*process);
  for (auto& [key, queue] : queues_) {
    queue->heap = {};
    queue->fifo.clear();
  }
  for (int partition = 0; partition < partitions(); ++partition) setOwnership(partition, false);
  committed_.notify_all();
  return answers;
}

void Engine::syncBlocked(const std::vector<std::string>& actors) {
  std::vector<std::function<void()>> answers;
  {
    std::lock_guard lock(mutex_);
    std::set<std::string, std::less<>> blocked(actors.begin(), actors.end());
    if (blocked == blocked_) return;
    blocked_ = std::move(blocked);
    Effects effects;
    serveParkedPolls(nowMs(), effects, answers);
    absorb(effects);
  }
  runAnswers(answers);
}

void Engine::shutdown() {
  std::vector<std::function<void()>> answers;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& parked : parkedPolls_) {
      if (parked->answered) continue;
      parked->answered = true;
      answers.push_back([done = std::move(parked->done)] { done({}); });
    }
    parkedPolls_.clear();
    for (auto& [id, watches] : processWatches_) {
      Process* process = graph_.findProcess(id);
      for (auto& watch : watches) {
        if (watch->answered || process == nullptr) continue;
        watch->answered = true;
        answers.push_back([done = std::move(watch->done), info = infoOf(*process)] { done(info); });
      }
    }
    processWatches_.clear();
    parkedWatches_ = 0;
    // Whatever else waits for a deadline answers now.
    for (auto& [deadline, expire] : requestDeadlines_) {
      try {
        expire();
      } catch (const std::exception& error) {
        spdlog::error("answering a waiting request failed: {}", error.what());
      }
    }
    requestDeadlines_.clear();
    answers.insert(answers.end(), std::make_move_iterator(expiredAnswers_.begin()),
                   std::make_move_iterator(expiredAnswers_.end()));
    expiredAnswers_.clear();
  }
  runAnswers(answers);
  writerWake_.notify_all();
  timerWake_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (timer_.joinable()) timer_.join();
}

}  // namespace pledge::server
