#include "pledge/server/retention/retention.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "pledge/error.h"
#include "retention/archive.h"

namespace pledge::server {
namespace {

Error offError() {
  return Error(ErrorCode::Conflict,
               "retention is off: start pledge-server with --retention (docs/operations.md)");
}

}  // namespace

std::int64_t retentionNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t Retention::intervalMs(std::int64_t maxAgeMs) {
  return std::clamp<std::int64_t>(maxAgeMs / 10, 1'000, 60'000);
}

Retention::Retention(Store& store, RetentionOptions options, OwnedPartitions owned,
                     ArchiveLine line, Metrics* metrics)
    : store_(store),
      options_(std::move(options)),
      owned_(std::move(owned)),
      line_(std::move(line)),
      metrics_(metrics) {
  PLEDGE_REQUIRE(options_.batch >= 1, "retention-batch: must be at least 1, got {}",
                 options_.batch);
  PLEDGE_REQUIRE(!options_.maxAgeMs || *options_.maxAgeMs >= 1,
                 "retention: must be a positive duration, got {} ms",
                 options_.maxAgeMs.value_or(0));
  totals_.options = options_;
  if (!options_.archiveDir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options_.archiveDir, error);
    if (error) {
      throw Error(ErrorCode::Internal,
                  fmt::format("retention-archive-dir: cannot create {}: {}", options_.archiveDir,
                              error.message()));
    }
  }
}

Retention::~Retention() { stop(); }

void Retention::start() {
  if (!options_.maxAgeMs || thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    started_ = true;
  }
  thread_ = std::thread([this] { loop(); });
}

void Retention::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Retention::loop() {
  const std::int64_t interval = intervalMs(*options_.maxAgeMs);
  while (awaitNextPass(interval)) {
    std::vector<std::function<void(Result<RetentionPass>)>> asked;
    {
      std::lock_guard lock(mutex_);
      asked.swap(asked_);
    }
    try {
      RetentionPass pass = runPass(retentionNowMs());
      for (auto& done : asked) done(pass);
    } catch (const Error& error) {
      // Counted and shown by runPass; the next pass tries again.
      spdlog::warn("retention: {}", error.what());
      for (auto& done : asked) done(error);
    } catch (const std::exception& error) {
      spdlog::warn("retention: {}", error.what());
      for (auto& done : asked) done(Error(ErrorCode::Internal, error.what()));
    }
  }
  std::vector<std::function<void(Result<RetentionPass>)>> asked;
  {
    std::lock_guard lock(mutex_);
    asked.swap(asked_);
  }
  for (auto& done : asked) done(Error(ErrorCode::Unavailable, "retention: the node is stopping"));
}

bool Retention::pause(std::int64_t ms) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

bool Retention::awaitNextPass(std::int64_t ms) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms),
                 [this] { return stopping_ || !asked_.empty(); });
  return !stopping_;
}

void Retention::runSoon(std::function<void(Result<RetentionPass>)> done) {
  if (!options_.maxAgeMs) throw offError();
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !started_) {
      throw Error(ErrorCode::Unavailable, "retention: the node is stopping");
    }
    asked_.push_back(std::move(done));
  }
  wake_.notify_all();
}

RetentionPass Retention::runPass(std::int64_t now) {
  if (!options_.maxAgeMs) throw offError();
  std::lock_guard passLock(passMutex_);
  RetentionPass pass;
  pass.cutoff = now - *options_.maxAgeMs;
  try {
    while (runBatch(now, pass) && pause(options_.pauseMs)) {
    }
  } catch (const std::exception& error) {
    std::lock_guard lock(mutex_);
    totals_.lastRunAt = now;
    totals_.lastError = error.what();
    if (metrics_ != nullptr) metrics_->retentionPassEnded(now, true);
    throw;
  }
  std::lock_guard lock(mutex_);
  totals_.lastRunAt = now;
  totals_.lastError.reset();
  if (metrics_ != nullptr) metrics_->retentionPassEnded(now, false);
  if (pass.deletedProcesses > 0) {
    spdlog::info("retention: deleted {} processes ({} tasks) that ended before {}",
                 pass.deletedProcesses, pass.deletedTasks, pass.cutoff);
  }
  return pass;
}

bool Retention::runBatch(std::int64_t now, RetentionPass& pass) {
  const PartitionSet partitions = owned_();
  if (!partitions.everything && partitions.list.empty()) return false;
  std::vector<EndedProcess> due = store_.endedBefore(pass.cutoff, options_.batch, partitions);
  if (due.empty()) return false;
  std::int64_t archived = 0;
  if (!options_.archiveDir.empty()) {
    std::string lines;
    for (const EndedProcess& process : due) lines += line_(process) + "\n";
    // Synced before the rows go: nothing is deleted that was not archived.
    retention::appendDurably(retention::archivePath(options_.archiveDir, now), lines);
    archived = static_cast<std::int64_t>(lines.size());
  }
  std::vector<Uuid> ids;
  ids.reserve(due.size());
  for (const EndedProcess& process : due) ids.push_back(process.process.info.processId);
  const DeletedRows deleted = store_.deleteEnded(ids);
  ++pass.batches;
  pass.deletedProcesses += deleted.processes;
  pass.deletedTasks += deleted.tasks;
  pass.archivedBytes += archived;
  {
    std::lock_guard lock(mutex_);
    totals_.deletedProcesses += deleted.processes;
    totals_.deletedTasks += deleted.tasks;
    totals_.archivedBytes += archived;
  }
  if (metrics_ != nullptr) metrics_->retentionBatch(deleted.processes, deleted.tasks, archived);
  return static_cast<int>(due.size()) == options_.batch;
}

RetentionStatus Retention::status() {
  RetentionStatus status;
  {
    std::lock_guard lock(mutex_);
    status = totals_;
  }
  const PartitionSet partitions = owned_();
  if (partitions.everything || !partitions.list.empty()) {
    status.oldestEndedAt = store_.oldestEnded(partitions);
  }
  return status;
}

}  // namespace pledge::server
