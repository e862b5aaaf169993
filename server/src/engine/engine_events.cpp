// Events (docs/events.md): event tasks that listen, events sent from outside, deliveries, time-outs
// and the sweeps that apply other nodes' deliveries and expire kept events. The store is where
// events meet their waiters (EventOps run in the group commit's transaction); the engine turns
// what the store found into deliveries and time-outs of its Listening tasks.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/engine_internal.h"
#include "pledge/limits.h"
#include "pledge/server/engine/engine.h"

namespace pledge::server {
namespace {

// How many pending deliveries one sweep applies; the next sweep takes the rest.
constexpr int kDeliveriesPerSweep = 1'000;
constexpr std::int64_t kEventExpiryEveryMs = 60'000;

}  // namespace

EventClaim Engine::claimOf(const Task& task) const {
  EventClaim claim;
  claim.taskId = task.id;
  claim.processId = task.process->id;
  claim.partition = task.process->partition;
  claim.names.push_back(*task.method);
  if (task.args.size() > 1) {
    // The first of several events: the others' names (checked when the task was created).
    for (const Json& name : task.args[1].value) claim.names.push_back(name.get<std::string>());
  }
  // The key: a text, or the text of a promise's value (a non-text value by its JSON).
  ArgValue key = graph_.resolvedArg(task, task.args.at(0));
  if (key.kind == ArgValue::Kind::Value) {
    claim.key = key.value.is_string() ? key.value.get<std::string>() : key.value.dump();
  }
  return claim;
}

void Engine::applyDelivery(const Uuid& taskId, const EventGot& got, std::int64_t now,
                           Effects& effects) {
  Task* task = graph_.findTask(taskId);
  if (task == nullptr || task->state != TaskState::Listening ||
      !serving(task->process->partition)) {
    return;  // it ended meanwhile, or another node serves it now (it claims again there)
  }
  std::shared_ptr<const Json> value;
  {
    limits::Ignored written;  // checked when it came in
    Json payload = parseJson(got.payload);
    // The first of several events says which one came.
    value = std::make_shared<const Json>(
        task->args.size() > 1 ? Json{{"name", got.name}, {"payload", std::move(payload)}}
                              : std::move(payload));
  }
  graph_.deliverEvent(*task, std::move(value), now, effects);
  if (metrics_ != nullptr) metrics_->eventDelivered();
}

void Engine::applyEventAnswers(GroupCommit::Batch& batch, std::int64_t now, Effects& effects) {
  const EventOps& ops = batch.events;
  EventAnswers& found = batch.eventAnswers;
  for (std::size_t i = 0; i < found.claims.size() && i < ops.claims.size(); ++i) {
    if (found.claims[i]) applyDelivery(ops.claims[i].taskId, *found.claims[i], now, effects);
  }
  for (std::size_t i = 0; i < found.sends.size() && i < batch.sendSlots.size(); ++i) {
    *batch.sendSlots[i] = std::move(found.sends[i]);
  }
  for (const EventDeliveryRow& delivery : found.deliveries) {
    applyDelivery(delivery.taskId, {delivery.name, delivery.payload}, now, effects);
  }
  for (std::size_t i = 0; i < found.timeouts.size() && i < ops.timeouts.size(); ++i) {
    if (found.timeouts[i]) {
      applyDelivery(ops.timeouts[i], *found.timeouts[i], now, effects);
      continue;
    }
    Task* task = graph_.findTask(ops.timeouts[i]);
    if (task != nullptr && task->state == TaskState::Listening &&
        serving(task->process->partition)) {
      graph_.timeOut(*task, now, effects);
      if (metrics_ != nullptr) metrics_->eventTimedOut();
    }
  }
}

void Engine::sendEvent(Event event, std::optional<Uuid> processId,
                       std::function<void(Result<EventDelivery>)> done) {
  if (processId) {
    // The process must exist and be live: memory, else the store (read outside the lock).
    std::optional<ProcessState> state;
    {
      std::lock_guard lock(mutex_);
      if (Process* process = graph_.findProcess(*processId)) state = process->state;
    }
    if (!state) {
      std::optional<ProcessRow> row;
      try {
        row = store_->findProcess(*processId);
      } catch (const std::exception& error) {
        done(Error(ErrorCode::Unavailable,
                   fmt::format("the store cannot be read now ({}); retry", error.what())));
        return;
      }
      if (!row) {
        done(Error(ErrorCode::NotFound, fmt::format("no process {}", processId->toString())));
        return;
      }
      state = row->info.state;
    }
    if (*state == ProcessState::Completed || *state == ProcessState::Aborted) {
      done(Error(ErrorCode::Conflict,
                 fmt::format("process {} is {}: no task of it waits for an event",
                             processId->toString(), processStateName(*state))));
      return;
    }
  }
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    done(Error(ErrorCode::Unavailable, "the server is stopping"));
    return;
  }
  if (storeProblem_) {
    const std::string why = *storeProblem_;
    lock.unlock();
    done(Error(ErrorCode::Unavailable,
               fmt::format("the store cannot be written now ({}); retry", why)));
    return;
  }
  const std::int64_t now = nowMs();
  EventSend send;
  send.keptUntil = now + event.retentionMs.value_or(options_.eventRetentionMs);
  send.event = std::move(event);
  send.processId = processId;
  send.now = now;
  GroupCommit::Batch& batch = commits_.open();
  batch.events.sends.push_back(std::move(send));
  auto slot = std::make_shared<EventDelivery>();
  batch.sendSlots.push_back(slot);
  if (metrics_ != nullptr) metrics_->eventReceived();
  commits_.whenDurable([slot, done = std::move(done)](const std::optional<Error>& error) {
    if (error) {
      done(*error);
    } else {
      done(std::move(*slot));
    }
  });
  commits_.wake();
}

std::vector<KeptEvent> Engine::keptEvents(const std::optional<std::string>& name, int limit) {
  return store_->keptEvents(name, nowMs(), limit);
}

void Engine::sweepEvents(std::unique_lock<std::mutex>& lock) {
  const std::int64_t now = nowMs();
  if (storeProblem_) return;
  const bool sweepDeliveries = store_->cluster() != nullptr && now >= nextDeliverySweep_;
  const bool expire = now >= nextEventExpiry_;
  if (!sweepDeliveries && !expire) return;
  if (sweepDeliveries) nextDeliverySweep_ = now + options_.eventSweepMs;
  if (expire) nextEventExpiry_ = now + kEventExpiryEveryMs;
  const PartitionSet partitions = ownership_.served();
  lock.unlock();
  std::vector<EventDeliveryRow> pending;
  try {
    if (sweepDeliveries && (partitions.everything || !partitions.list.empty())) {
      pending = store_->pendingDeliveries(partitions, kDeliveriesPerSweep);
    }
    if (expire) {
      std::int64_t expired = store_->expireEvents(now, now - options_.eventRetentionMs);
      if (expired > 0) spdlog::info("{} kept event(s) expired with nobody waiting", expired);
    }
  } catch (const std::exception& error) {
    spdlog::warn("events: the store could not be read or written now: {}", error.what());
  }
  lock.lock();
  if (pending.empty()) return;
  Effects effects;
  for (const EventDeliveryRow& delivery : pending) {
    applyDelivery(delivery.taskId, {delivery.name, delivery.payload}, nowMs(), effects);
  }
  absorb(effects);
}

}  // namespace pledge::server
