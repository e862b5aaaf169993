// Processes: what the API shows of one (as memory or the store has it), waiting for its result,
// and the operations on it (restart and abort share one path).
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "pledge/limits.h"
#include "pledge/server/engine/engine.h"

namespace pledge::server {

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
  PLEDGE_REQUIRE(waitMs >= 0 && waitMs <= options_.maxResultWaitMs,
                 "waitMs: must be 0 to {}, got {}", options_.maxResultWaitMs, waitMs);
  std::unique_lock lock(mutex_);
  Process* process = graph_.findProcess(processId);
  if (process == nullptr) {
    const bool elsewhere = !serving(graph_.partitionOf(processId));
    lock.unlock();
    auto answerFromStore = [this,
                            processId](const std::function<void(Result<ProcessInfo>)>& answer) {
      std::optional<ProcessRow> row;
      try {
        row = store_->findProcess(processId);
      } catch (const std::exception& error) {
        return answer(Error(ErrorCode::Unavailable,
                            fmt::format("the store cannot be read now ({}); retry", error.what())));
      }
      if (row) {
        answer(row->info);
      } else {
        answer(Error(ErrorCode::NotFound, fmt::format("no process {}", processId.toString())));
      }
    };
    auto row = store_->findProcess(processId);
    const bool waitsForMemory = row && row->wakeAt && *row->wakeAt <= nowMs();
    if (row && (elsewhere || waitsForMemory) && row->info.state == ProcessState::Running &&
        waitMs > 0) {
      // Another node serves it (or it is moving), or it waits in the store for memory: answer
      // from the store after a while, so that a client's wait loop asks again without spinning.
      lock.lock();
      timers_.atRequest(nowMs() + std::min<std::int64_t>(waitMs, 1'000),
                        [this, answerFromStore, done] {
                          timers_.answerLater([answerFromStore, done] { answerFromStore(done); });
                        });
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
  if (!waitsAreUnderTheLimit({})) {
    throw Error(
        ErrorCode::LimitExceeded,
        fmt::format(
            "waitMs: the server holds its limit of {} waiting requests; ask without waiting "
            "or retry later",
            options_.maxParkedRequests));
  }
  auto watch = watches_.add(processId, std::move(done));
  timers_.atRequest(nowMs() + waitMs, [this, watch, processId] {
    if (watch->answered) return;
    watches_.expire(processId, watch);
    Process* current = graph_.findProcess(processId);
    if (current == nullptr) {
      // (Every path that takes a watched process out of memory answers its watchers first.)
      spdlog::error("a watched process left memory unanswered: {}", processId.toString());
      timers_.answerLater([done = std::move(watch->done)] {
        done(Error(ErrorCode::Unavailable, "the process moved; ask again"));
      });
      return;
    }
    timers_.answerLater([done = std::move(watch->done), info = infoOf(*current)] { done(info); });
  });
}

void Engine::restart(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done) {
  operate(Operation::Restart, processId, std::move(done));
}

void Engine::abort(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done) {
  operate(Operation::Abort, processId, std::move(done));
}

void Engine::pause(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done) {
  operate(Operation::Pause, processId, std::move(done));
}

void Engine::resume(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done) {
  operate(Operation::Resume, processId, std::move(done));
}

namespace {

// Reads of the store an operation makes at most for a process not in memory.
constexpr int kOperationReads = 3;

Error cannot(Engine::Operation operation, ProcessState state) {
  if (operation == Engine::Operation::Pause || operation == Engine::Operation::Resume) {
    return Error(ErrorCode::Conflict,
                 fmt::format("the process is {}: it has ended; only a running or broken process "
                             "can be {}",
                             processStateName(state),
                             operation == Engine::Operation::Pause ? "paused" : "resumed"));
  }
  if (operation == Engine::Operation::Restart) {
    return Error(ErrorCode::Conflict,
                 fmt::format("the process is {}; only a broken process can be restarted",
                             processStateName(state)));
  }
  return Error(ErrorCode::Conflict, fmt::format("the process is {}: it has ended already; only a "
                                                "running or broken process can be aborted",
                                                processStateName(state)));
}

}  // namespace

void Engine::operate(Operation operation, const Uuid& processId,
                     std::function<void(Result<ProcessInfo>)> done) {
  const int partition = graph_.partitionOf(processId);
  std::unique_lock lock(mutex_);
  auto unavailable = [&]() -> std::optional<Error> {
    if (stopping_) return Error(ErrorCode::Unavailable, "the server is stopping");
    if (!serving(partition)) return notServed(partition);
    return std::nullopt;
  };
  std::optional<Error> problem = unavailable();
  Process* process = problem ? nullptr : graph_.findProcess(processId);
  // Dormant, ended or unknown: the store tells (read outside the lock). A read that raced with
  // the process coming into memory and leaving it again is read again.
  bool stale = true;
  for (int read = 0; read < kOperationReads && !problem && process == nullptr && stale; ++read) {
    stale = false;
    LiveState stored;
    std::optional<Error> readFailed;
    try {
      stored = readDormant(lock, [&] { return std::vector<Uuid>{processId}; }, &stale);
    } catch (const std::exception& error) {
      readFailed = Error(ErrorCode::Unavailable,
                         fmt::format("the store cannot be read now ({}); retry", error.what()));
    }
    problem = unavailable();
    if (!problem) problem = readFailed;
    if (!problem) process = graph_.findProcess(processId);
    if (!problem && process == nullptr && !stale) {
      if (stored.processes.empty()) {
        problem = Error(ErrorCode::NotFound, fmt::format("no process {}", processId.toString()));
      }
      const ProcessState state = problem ? ProcessState::Running : stored.processes[0].info.state;
      if (!problem && stored.processes.front().wakeAt) {
        Effects woken;
        adopt(std::move(stored), nowMs(), woken);
        absorb(woken);
        process = graph_.findProcess(processId);
      }
      if (!problem && process == nullptr) {
        problem = state == ProcessState::Running || state == ProcessState::Broken
                      ? Error(ErrorCode::Unavailable, "the process is moving between nodes; retry")
                      : cannot(operation, state);
      }
    }
  }
  if (!problem && process == nullptr) {
    problem = Error(ErrorCode::Unavailable, "the process is being loaded; retry");
  }
  if (!problem) {
    const bool allowed =
        operation == Operation::Restart
            ? process->state == ProcessState::Broken
            : process->state == ProcessState::Running || process->state == ProcessState::Broken;
    if (!allowed) problem = cannot(operation, process->state);
    if (allowed && operation == Operation::Restart && process->deadlineAt != 0 &&
        process->deadlineAt <= nowMs()) {
      // Its deadline cancelled what was running; a restart would start half a process.
      problem = Error(ErrorCode::Conflict,
                      "the process is past its deadline; it cannot be restarted: abort it and "
                      "start a new process");
    }
  }
  if (problem) {
    lock.unlock();
    done(*problem);
    return;
  }
  Effects effects;
  if (operation == Operation::Restart) {
    graph_.restart(*process, nowMs(), effects);
  } else if (operation == Operation::Abort) {
    graph_.abort(*process, nowMs(), effects);
  } else if (process->paused != (operation == Operation::Pause)) {
    process->paused = operation == Operation::Pause;
    effects.changedProcesses.push_back(process);
    if (!process->paused) {  // what was held back is handed out again once this is durable
      // Newest first: each then finds its place at once among the oldest (ReadyQueues::push).
      for (auto held = process->held.rbegin(); held != process->held.rend(); ++held) {
        if ((*held)->state == TaskState::Ready) effects.readied.push_back(*held);
      }
      process->held.clear();
      // Schedule-to-start does not count the pause.
      for (const auto& task : process->tasks) {
        if (task->state == TaskState::Ready) graph_.startPickupClock(*task, nowMs(), effects);
      }
    }
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
        // A lease for tasks runners take; the wait (or delay) for those the server settles.
        if (ProcessGraph::isSystemTask(*task)) {
          if (task->waitMs > 0) spec.options.timeoutMs = task->waitMs;
        } else {
          spec.options.timeoutMs = task->timeoutMs;
        }
        if (task->retry) spec.options.retry = *task->retry;
        if (task->scheduleToStartMs > 0) spec.options.scheduleToStartMs = task->scheduleToStartMs;
        snapshots.push_back(TaskSnapshot{std::move(spec), rowOf(*task, /*takeSpec=*/false)});
      }
      return snapshots;
    }
  }
  if (!store_->findProcess(processId)) return std::nullopt;
  std::vector<TaskSnapshot> snapshots;
  for (TaskRow& row : store_->processTasks(processId)) {
    snapshots.push_back(storedTaskSnapshot(std::move(row), options_.defaultTimeoutMs));
  }
  return snapshots;
}

TaskSnapshot storedTaskSnapshot(TaskRow row, std::int64_t defaultTimeoutMs) {
  limits::Ignored stored;
  TaskSpec spec = parseJson(row.spec).get<TaskSpec>();
  // (The lease its attempts got, as for a live task; the wait of an event or timer task.)
  if (spec.type != TaskType::Event && spec.type != TaskType::Timer) {
    spec.options.timeoutMs = spec.options.timeoutMs.value_or(defaultTimeoutMs);
  }
  row.spec.clear();
  return TaskSnapshot{std::move(spec), std::move(row)};
}

ProcessPage Engine::listProcesses(const ProcessQuery& query) {
  return store_->listProcesses(query);
}

}  // namespace pledge::server
