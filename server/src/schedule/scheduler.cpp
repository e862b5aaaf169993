// Scheduler: the thread and the firing of due schedules (docs/operations.md "Schedules").
#include "pledge/server/schedule/scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>

namespace pledge::server {

Scheduler::Scheduler(Engine& engine, Metrics* metrics, FireStarter starter,
                     SchedulerOptions options)
    : store_(engine.store()),
      engine_(engine),
      metrics_(metrics),
      starter_(std::move(starter)),
      options_(std::move(options)) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeUp_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wakeUp_.notify_all();
}

std::int64_t Scheduler::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int Scheduler::partitionOf(const std::string& id) const {
  return partitionOfKey(id, engine_.partitions());
}

std::int64_t Scheduler::jitterOf(const std::string& id, std::int64_t fireAt,
                                 std::int64_t jitterMs) {
  if (jitterMs <= 0) return 0;
  // The stable hash that places keys in partitions, here over jitterMs + 1 values.
  return partitionOfKey(id + "@" + std::to_string(fireAt), static_cast<int>(jitterMs + 1));
}

void Scheduler::run() {
  while (!stopping_) {
    const std::int64_t next = tick();
    std::unique_lock lock(mutex_);
    const std::int64_t waitMs = std::clamp<std::int64_t>(next - now(), 1, options_.scanMs);
    wakeUp_.wait_for(lock, std::chrono::milliseconds(waitMs),
                     [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

std::int64_t Scheduler::tick() {
  const std::int64_t at = now();
  std::int64_t next = at + options_.scanMs;
  std::vector<ScheduleRow> rows;
  try {
    rows = store_.listSchedules();
  } catch (const std::exception& error) {
    spdlog::warn("schedules: cannot read them from the store ({}); trying again", error.what());
    return next;
  }
  for (ScheduleRow& row : rows) {
    if (stopping_) break;
    if (!engine_.owns(partitionOf(row.id))) continue;
    const std::string id = row.id;
    try {
      if (auto due = fireDue(std::move(row), at)) next = std::min(next, *due);
    } catch (const std::exception& error) {
      spdlog::warn("schedule {}: {}; trying again", id, error.what());
    }
  }
  return next;
}

bool Scheduler::stillRuns(const std::optional<Uuid>& processId) {
  if (!processId) return false;
  std::optional<ProcessInfo> process = engine_.process(*processId);
  return process && process->state == ProcessState::Running;
}

Result<StartedProcess> Scheduler::startFire(const Schedule& definition,
                                            const std::string& customId) {
  Json start = definition.start;
  start["customId"] = customId;
  auto answer = std::make_shared<std::promise<Result<StartedProcess>>>();
  std::future<Result<StartedProcess>> answered = answer->get_future();
  starter_(std::move(start),
           [answer](Result<StartedProcess> started) { answer->set_value(std::move(started)); });
  if (answered.wait_for(std::chrono::milliseconds(options_.startTimeoutMs)) !=
      std::future_status::ready) {
    return Error(ErrorCode::Unavailable, "the start got no answer");
  }
  Result<StartedProcess> started = answered.get();
  if (started.ok() && metrics_ != nullptr) metrics_->scheduleFired();
  return started;
}

std::optional<std::int64_t> Scheduler::fireDue(ScheduleRow row, std::int64_t now) {
  const Schedule definition = scheduleOf(row);
  // Writes the row; false (stop here, the next pass reads it again) when another write came
  // between.
  auto save = [&] {
    if (!store_.updateSchedule(row)) return false;
    ++row.revision;
    return true;
  };
  auto failed = [&](std::int64_t fireAt, const Error& error) {
    spdlog::warn("schedule {}: the fire of {} did not start ({}); trying again", row.id,
                 formatUtcTime(fireAt), error.message());
    return now + 1'000;
  };
  if (row.paused) return std::nullopt;
  if (row.bufferedFireAt && !stillRuns(row.lastProcessId)) {
    const std::int64_t fireAt = *row.bufferedFireAt;
    Result<StartedProcess> started = startFire(definition, scheduleFireCustomId(row.id, fireAt));
    if (!started.ok()) return failed(fireAt, started.error());
    row.bufferedFireAt.reset();
    row.lastFireAt = fireAt;
    row.lastProcessId = started.value().processId;
    addRecentFire(row, {.fireAt = fireAt, .processId = started.value().processId});
    if (!save()) return std::nullopt;
  }
  if (!row.nextFireAt) return std::nullopt;
  const CronRule rule = ruleOf(definition);
  const DueFires due = dueFires(rule, definition, *row.nextFireAt, now);
  if (due.missed > 0) {
    spdlog::warn("schedule {}: {} fires were missed (older than catchupWindowMs {})", row.id,
                 due.missed, definition.catchupWindowMs);
  }
  for (std::size_t i = 0; i < due.start.size(); ++i) {
    const std::int64_t fireAt = due.start[i];
    if (definition.overlap != OverlapPolicy::Allow && stillRuns(row.lastProcessId)) {
      if (definition.overlap == OverlapPolicy::BufferOne && !row.bufferedFireAt) {
        row.bufferedFireAt = fireAt;
      } else {
        addRecentFire(row, {.fireAt = fireAt, .skipped = true});
        if (metrics_ != nullptr) metrics_->scheduleSkipped();
      }
    } else {
      Result<StartedProcess> started = startFire(definition, scheduleFireCustomId(row.id, fireAt));
      if (!started.ok()) {
        row.nextFireAt = fireAt;
        save();
        return failed(fireAt, started.error());
      }
      row.lastFireAt = fireAt;
      row.lastProcessId = started.value().processId;
      addRecentFire(row, {.fireAt = fireAt, .processId = started.value().processId});
    }
    row.nextFireAt = i + 1 < due.start.size() ? std::optional(due.start[i + 1]) : due.next;
    if (!save()) return std::nullopt;
  }
  if (row.nextFireAt != due.next) {
    row.nextFireAt = due.next;
    if (!save()) return std::nullopt;
  }
  if (!row.nextFireAt) return std::nullopt;
  return *row.nextFireAt + jitterOf(row.id, *row.nextFireAt, definition.jitterMs);
}

}  // namespace pledge::server
