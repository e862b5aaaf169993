// The engine as a coordinator: construction, the timer thread, shutdown, partitions and what the
// API shows of queues and actors. The other engine*.cpp files hold its operations by concern.
#include "pledge/server/engine/engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "engine/engine_internal.h"

namespace pledge::server {
namespace {

constexpr std::int64_t kIdleTimerWaitMs = 1'000;

}  // namespace

std::int64_t Engine::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Engine::Engine(std::unique_ptr<Store> store, EngineOptions options, Metrics* metrics)
    : store_(std::move(store)),
      options_(std::move(options)),
      metrics_(metrics),
      startedAt_(nowMs()),
      graph_(store_->partitions(), options_.defaultTimeoutMs),
      ownership_(store_->partitions()),
      queues_(graph_, ownership_),
      commits_(*store_, mutex_, metrics_),
      budget_(options_.memoryBudgetBytes, store_->partitions()) {
  for (std::string& actor : store_->blockedActors()) queues_.setBlocked(actor, true);
  limits_.replace(store_->limits(), nowMs());
  if (store_->cluster() == nullptr) {
    // Alone on the store: every partition is ours.
    ownership_.setAll(true);
    const std::int64_t now = nowMs();
    LiveState live = store_->loadLive(loadHorizon(now), PartitionSet::all());
    const std::size_t processes = live.processes.size();
    const std::size_t tasks = live.tasks.size();
    std::lock_guard lock(mutex_);
    // Counted before adopt() takes off what it loads (the due ones under no budget): under a
    // budget the due ones wait for room.
    budget_.recount(PartitionSet::all(), store_->countDormant(kEveryDormant, PartitionSet::all()),
                    store_->countDormant(now, PartitionSet::all()), now);
    Effects effects;
    adopt(std::move(live), now, effects);
    absorb(effects);
    spdlog::info("loaded {} live processes with {} tasks from the store ({} dormant ones stay "
                 "there, {} of them waiting for memory)",
                 processes, tasks, budget_.dormant(), budget_.waiting());
  }
  commits_.start(GroupCommit::Hooks{
      .materialize = [this](GroupCommit::Batch& batch,
                            WriteBatch& rows) { materialize(batch, rows); },
      .committed = [this](std::unique_lock<std::mutex>& lock,
                          GroupCommit::Batch& batch) { afterCommit(lock, batch); },
      .failed =
          [this](std::unique_lock<std::mutex>& lock, std::vector<GroupCommit::Callback> callbacks,
                 const std::string& why) { afterFailedCommit(lock, std::move(callbacks), why); }});
  timer_ = std::thread([this] { timerLoop(); });
}

Engine::~Engine() { shutdown(); }

void Engine::shutdown() {
  std::vector<std::function<void()>> answers;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    commits_.stop();
    queues_.answerParked(answers);
    watches_.answerAll(
        [this](const Uuid& id) -> std::optional<Result<ProcessInfo>> {
          Process* process = graph_.findProcess(id);
          if (process == nullptr) return std::nullopt;
          return Result<ProcessInfo>(infoOf(*process));
        },
        answers);
    // Whatever else waits for a deadline answers now.
    timers_.expireAll();
    for (auto& answer : timers_.takeAnswers()) answers.push_back(std::move(answer));
  }
  runAnswers(answers);
  timers_.wakeAll();
  commits_.join();
  if (timer_.joinable()) timer_.join();
}

std::optional<std::string> Engine::storeProblem() {
  std::lock_guard lock(mutex_);
  return storeProblem_;
}

void Engine::timerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wakeDueProcesses(lock);
    reloadWhenDue(lock);
    sweepEvents(lock);
    if (stopping_) break;
    std::int64_t now = nowMs();
    std::int64_t next = now + kIdleTimerWaitMs;
    if (storeProblem_ && nextReloadAt_ > 0) next = std::min(next, nextReloadAt_);
    if (store_->cluster() != nullptr) next = std::min(next, nextDeliverySweep_);
    if (auto refill = serveRefilledLimits(lock, now)) next = std::min(next, *refill);
    if (stopping_) break;
    next = timers_.next(next);
    if (next > now) {
      timers_.wait(lock, now, next);
      continue;
    }
    Effects effects;
    writeDueLeases(now, effects);
    while (Task* task = timers_.popDueTask(now)) {
      if (!serving(task->process->partition)) continue;
      if (task->state == TaskState::Listening && task->leaseUntil != 0 &&
          task->leaseUntil <= now) {
        // The store says whether an event came first (the next batch's commit).
        commits_.open().events.timeouts.push_back(task->id);
        commits_.wake();
        continue;
      }
      const bool wasLeased = task->state == TaskState::Leased;
      graph_.onDeadline(*task, now, effects);
      if (wasLeased && task->state != TaskState::Leased && metrics_ != nullptr) {
        metrics_->taskFailed();
        if (isLive(task->state)) metrics_->taskRetried();
      }
    }
    while (std::optional<Uuid> id = timers_.popDueProcess(now)) {
      Process* process = graph_.findProcess(*id);
      if (process == nullptr || !serving(process->partition) ||
          process->state != ProcessState::Running || process->deadlineAt == 0 ||
          process->deadlineAt > now) {
        continue;  // ended, broken, dormant (it wakes for its deadline) or moved on
      }
      graph_.passDeadline(*process, now, effects);
    }
    // Parked requests that expired leave their answers in timers_.
    timers_.expireRequests(now);
    std::vector<std::function<void()>> answers = timers_.takeAnswers();
    absorb(effects);
    lock.unlock();
    runAnswers(answers);
    lock.lock();
  }
}

// ---- queues and actors --------------------------------------------------------------------

std::vector<ActorStats> Engine::actors() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = nowMs();
  return queues_.actorStats(queues_.stats(now), now);
}

void Engine::setBlocked(const std::string& actor, bool blocked) {
  auto problem = checkActorId(actor);
  PLEDGE_REQUIRE(!problem, "actor: {}", problem.value_or(""));
  store_->setActorBlocked(actor, blocked);
  std::vector<std::function<void()>> answers;
  {
    std::lock_guard lock(mutex_);
    queues_.setBlocked(actor, blocked);
    if (!blocked) {
      Effects effects;
      serveParkedPolls(nowMs(), effects, answers);
      absorb(effects);
    }
  }
  runAnswers(answers);
}

void Engine::syncBlocked(const std::vector<std::string>& actors) {
  std::vector<std::function<void()>> answers;
  {
    std::lock_guard lock(mutex_);
    if (!queues_.replaceBlocked(std::set<std::string, std::less<>>(actors.begin(), actors.end()))) {
      return;
    }
    Effects effects;
    serveParkedPolls(nowMs(), effects, answers);
    absorb(effects);
  }
  runAnswers(answers);
}

// ---- partitions ---------------------------------------------------------------------------

bool Engine::owns(int partition) const { return ownership_.owns(partition); }

bool Engine::serving(int partition) const { return ownership_.serving(partition); }

Error Engine::notServed(int partition) const {
  if (storeProblem_) {
    return Error(ErrorCode::Unavailable,
                 fmt::format("the store cannot be written now ({}); node {} serves again once it "
                             "can, by itself; retry",
                             *storeProblem_, options_.nodeName));
  }
  return Error(ErrorCode::Unavailable,
               fmt::format("partition {} is not served by node {} now (it moves between nodes); "
                           "retry",
                           partition, options_.nodeName));
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

std::optional<int> Engine::partitionOfTask(const Uuid& taskId,
                                           const std::optional<Uuid>& processHint) {
  if (processHint) return graph_.partitionOf(*processHint);
  {
    std::lock_guard lock(mutex_);
    if (Task* task = graph_.findTask(taskId)) return task->process->partition;
  }
  if (auto row = store_->findTask(taskId)) return graph_.partitionOf(row->processId);
  return std::nullopt;
}

std::int64_t Engine::processesInMemory() {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(graph_.processCount());
}

}  // namespace pledge::server
