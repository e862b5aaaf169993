// Tasks: polls (and the polls parked until a task is ready), leases, releases and heartbeats.
#include <fmt/format.h>

#include "engine/engine_internal.h"
#include "pledge/server/engine/engine.h"

namespace pledge::server {
namespace {

std::string forbiddenActor(const std::string& actor) {
  return fmt::format("this token may not work for actor {} (its actors: are set in the server's "
                     "tokens)",
                     actor);
}

// The answer to the heartbeat or release of a task that was cancelled: its code should stop.
Error cancelledTask(const Uuid& taskId, const Process* process) {
  std::string why = "its process has ended";
  if (process != nullptr && process->state == ProcessState::Aborted) {
    why = "its process was aborted";
  } else if (process != nullptr && process->state == ProcessState::Broken) {
    why = "its process's deadline passed";
  }
  return Error(ErrorCode::Cancelled, fmt::format("task {} was cancelled: {}", taskId.toString(),
                                                 why));
}

}  // namespace

void Engine::checkPoll(const PollRequest& request) const {
  PLEDGE_REQUIRE(!request.queues.empty(), "actors: name at least one actor to poll");
  PLEDGE_REQUIRE(request.max >= 1 && request.max <= options_.maxPollBatch,
                 "max: must be 1 to {}, got {}", options_.maxPollBatch, request.max);
  PLEDGE_REQUIRE(request.waitMs >= 0 && request.waitMs <= options_.maxPollWaitMs,
                 "waitMs: must be 0 to {}, got {}", options_.maxPollWaitMs, request.waitMs);
  for (const QueueSelector& queue : request.queues) {
    auto problem = checkActorId(queue.actor);
    PLEDGE_REQUIRE(!problem, "actors: {}", problem.value_or(""));
  }
}

std::function<void()> Engine::poll(const PollRequest& request,
                                   std::function<void(std::vector<PolledTask>)> done) {
  checkPoll(request);
  std::vector<PolledTask> tasks;
  {
    std::unique_lock lock(mutex_);
    if (!stopping_) {
      const std::int64_t now = nowMs();
      checkRoomFor(request.queues);
      queues_.notePoll(request, now);
      std::vector<ReadyQueues::Queue*> queues;
      for (const QueueSelector& queue : request.queues) {
        queues.push_back(&queues_.find(queue.actor, queue.taskList));
      }
      Effects effects;
      takeTasks(queues, request.max, now, effects, tasks);
      absorb(effects);
      if (tasks.empty() && request.waitMs > 0) {
        if (!waitsAreUnderTheLimit(request.queues)) {
          throw Error(ErrorCode::LimitExceeded,
                      fmt::format("waitMs: the server holds its limit of {} waiting requests; poll "
                                  "without waiting or retry later",
                                  options_.maxParkedRequests));
        }
        auto parked = queues_.park(std::move(queues), request.max, std::move(done));
        timers_.atRequest(now + request.waitMs, [this, parked] {
          if (parked->answered) return;
          parked->answered = true;
          queues_.unpark(parked);
          timers_.answerLater([done = std::move(parked->done)] { done({}); });
        });
        return [this, weak = std::weak_ptr<ReadyQueues::ParkedPoll>(parked)] {
          std::function<void(std::vector<PolledTask>)> answer;
          {
            std::lock_guard guard(mutex_);
            auto cancelled = weak.lock();
            if (!cancelled || cancelled->answered) return;
            cancelled->answered = true;
            queues_.unpark(cancelled);
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

void Engine::takeTasks(const std::vector<ReadyQueues::Queue*>& queues, int max, std::int64_t now,
                       Effects& effects, std::vector<PolledTask>& out) {
  for (ReadyQueues::Queue* queue : queues) {
    if (queues_.blocked(*queue->actor)) continue;
    const std::int64_t wanted = max - static_cast<std::int64_t>(out.size());
    if (wanted <= 0) break;
    const QueueKey key{queue->actor, queue->taskList};
    // No limits at all: not even a lookup; an actor without limits: one. A limited queue's
    // held tasks stay queued.
    TaskLimits::ActorLimits* limited = limits_.empty() ? nullptr : limits_.find(queue->actor);
    const std::int64_t room = limited ? limits_.room(*limited, key, wanted, now) : wanted;
    std::int64_t taken = 0;
    while (taken < room) {
      Task* task = queues_.popReady(*queue);
      if (task == nullptr) break;
      if (metrics_ != nullptr && task->readyStampUs != 0) {
        metrics_->handedOut(static_cast<double>(steadyUs() - task->readyStampUs) / 1e6);
      }
      leaseTask(*task, now, effects);
      out.push_back(graph_.polledTask(*task));
      ++taken;
    }
    if (limited != nullptr) noteLimited(*limited, key, taken, room < wanted);
  }
  if (metrics_ != nullptr && !out.empty()) {
    metrics_->tasksHandedOut(static_cast<std::int64_t>(out.size()));
  }
}

void Engine::noteLimited(TaskLimits::ActorLimits& limited, const QueueKey& key,
                         std::int64_t taken, bool bound) {
  if (taken > 0) limits_.took(limited, key, taken);
  if (!bound) return;
  auto counts = graph_.queueCounts().find(key);
  if (counts == graph_.queueCounts().end() || counts->second.ready == 0) return;
  const TaskLimit* held = limits_.noteHeld(limited, key);
  if (held != nullptr && metrics_ != nullptr) metrics_->limitHeld(held->actor, held->taskList);
}

void Engine::serveParkedPolls(std::int64_t now, Effects& effects,
                              std::vector<std::function<void()>>& answers) {
  if (queues_.parkedCount() == 0) return;
  queues_.serveParked(
      [&](const std::vector<ReadyQueues::Queue*>& queues, int max, std::vector<PolledTask>& out) {
        takeTasks(queues, max, now, effects, out);
      },
      answers);
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
                     std::function<void(std::vector<ReleaseResult>)> done,
                     const ActorFilter& mayWorkFor) {
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
  std::vector<Task*> live(decisions.size(), nullptr);
  for (std::size_t i = 0; i < decisions.size() && !stopping_; ++i) {
    live[i] = graph_.findTask(decisions[i].taskId);
    if (live[i] == nullptr) missing.push_back(i);
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
      readFailed = Error(ErrorCode::Unavailable,
                         fmt::format("the store cannot be read now ({}); retry", error.what()));
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
    // (Found before, unless the lock was let go for the store meanwhile: tasks may have left.)
    Task* task = missing.empty() ? live[i] : graph_.findTask(decision.taskId);
    if (task != nullptr && !serving(task->process->partition)) {
      result.status = ReleaseStatus::Rejected;
      result.error = notServed(task->process->partition);
      continue;
    }
    if (task != nullptr && mayWorkFor && !mayWorkFor(*task->actor)) {
      reject(ErrorCode::Forbidden, forbiddenActor(*task->actor));
      continue;
    }
    if (task == nullptr) {
      // Not live: its process ended (a late or repeated release), lives on another node, or
      // there is no such task.
      if (!read[i]) {
        result.status = ReleaseStatus::Rejected;
        result.error = readFailed
                           ? *readFailed
                           : Error(ErrorCode::Unavailable, "the task left memory meanwhile; retry");
        continue;
      }
      const std::optional<TaskRow>& row = rows[i];
      if (row && !serving(graph_.partitionOf(row->processId))) {
        result.status = ReleaseStatus::Rejected;
        result.error = notServed(graph_.partitionOf(row->processId));
      } else if (!row) {
        reject(ErrorCode::NotFound, fmt::format("no task {}", decision.taskId.toString()));
      } else if (row->state == TaskState::Cancelled) {
        result.status = ReleaseStatus::Rejected;
        result.error = cancelledTask(decision.taskId, nullptr);
      } else if (row->attempt == decision.attempt &&
                 (row->state == TaskState::Completed || row->state == TaskState::Failed)) {
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
      result.status = ReleaseStatus::Rejected;
      result.error = cancelledTask(task->id, task->process);
    } else {
      reject(ErrorCode::Conflict,
             fmt::format("attempt {} of task {} is stale: the task is {} on attempt {}",
                         decision.attempt, decision.taskId.toString(), taskStateName(task->state),
                         task->attempt));
    }
  }
  absorb(effects);
  whenDurable([done = std::move(done),
               results = std::move(results)](const std::optional<Error>& failed) mutable {
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

std::optional<Error> Engine::heartbeat(const Uuid& taskId, int attempt,
                                       const ActorFilter& mayWorkFor) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Error(ErrorCode::Unavailable, "the server is stopping");
    if (Task* task = graph_.findTask(taskId)) {
      if (!serving(task->process->partition)) return notServed(task->process->partition);
      if (mayWorkFor && !mayWorkFor(*task->actor)) {
        return Error(ErrorCode::Forbidden, forbiddenActor(*task->actor));
      }
      Effects effects;
      const std::int64_t now = nowMs();
      resumeUndurableLease(*task, attempt, now, effects);
      if (task->state == TaskState::Cancelled) {
        absorb(effects);
        return cancelledTask(taskId, task->process);
      }
      if (task->state != TaskState::Leased || task->attempt != attempt) {
        absorb(effects);
        return Error(
            ErrorCode::Conflict,
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
    return Error(ErrorCode::Unavailable,
                 fmt::format("the store cannot be read now ({}); retry", error.what()));
  }
  if (!row) return Error(ErrorCode::NotFound, fmt::format("no task {}", taskId.toString()));
  const int partition = graph_.partitionOf(row->processId);
  std::lock_guard lock(mutex_);
  if (!serving(partition)) return notServed(partition);
  if (row->state == TaskState::Cancelled) return cancelledTask(taskId, nullptr);
  return Error(ErrorCode::Conflict,
               fmt::format("task {} belongs to a process that has ended", taskId.toString()));
}

void Engine::resumeUndurableLease(Task& task, int attempt, std::int64_t now, Effects& effects) {
  // A lease younger than leaseWriteDelayMs is not written yet (leaseTask): after a restart, or on
  // the node that took the partition over, such a task is Ready one attempt behind. Its holder may
  // still release or extend that attempt; it gets the lease back rather than losing its work.
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
  timers_.atLeaseWrite(due, task);
}

void Engine::writeDueLeases(std::int64_t now, Effects& effects) {
  // (A task released, expired or evicted meanwhile left the list: Task::leaseLink.)
  while (Task* task = timers_.popDueLeaseWrite(now)) {
    if (serving(task->process->partition)) effects.changedTasks.push_back(task);
  }
}

}  // namespace pledge::server
