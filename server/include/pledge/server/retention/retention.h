// Retention: ended processes (completed, aborted) older than a configured age leave the store in
// the background, in small batches, each archived first (when an archive folder is set) as JSON
// lines that are synced to disk before the rows are deleted (docs/operations.md "Retention").
//
//   Retention retention(store, {.maxAgeMs = 30LL * 24 * 3600 * 1000, .archiveDir = "/var/a"},
//                       [&] { return PartitionSet::of(engine.ownedPartitions()); },
//                       [&](const EndedProcess& p) { return archiveLineOf(p, 30'000); },
//                       &metrics);
//   retention.start();                  // passes every intervalMs(maxAgeMs)
//   retention.runSoon([](Result<RetentionPass> pass) { ... });  // POST /api/v1/retention/run
//   RetentionPass pass = retention.runPass(nowMs);   // one now, on this thread (tests)
//
// Running and broken processes are never deleted; a node deletes only processes of the
// partitions `owned` names, so nodes of a cluster never delete the same rows. Internally
// synchronized: passes run one at a time (the background's and those asked for). stop() (also
// the destructor) ends the background thread, interrupting a pass between two batches.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pledge/result.h"
#include "pledge/server/node/metrics.h"
#include "pledge/server/store/store.h"

namespace pledge::server {

inline constexpr int kDefaultRetentionBatch = 500;

struct RetentionOptions {
  // Ended processes older than this (by ended_at) are deleted; nullopt: kept forever (off).
  std::optional<std::int64_t> maxAgeMs;
  // When set, each process is appended to <archiveDir>/processes-YYYY-MM-DD.jsonl (the UTC day
  // of the pass) before it is deleted.
  std::string archiveDir;
  // Processes per delete transaction.
  int batch = kDefaultRetentionBatch;
  // Pause between two batches of a pass, so that a long pass leaves the store to the hot path.
  std::int64_t pauseMs = 50;
};

// What one pass did.
struct RetentionPass {
  std::int64_t cutoff = 0;  // processes that ended before this (epoch ms) were due
  std::int64_t deletedProcesses = 0;
  std::int64_t deletedTasks = 0;
  std::int64_t archivedBytes = 0;
  int batches = 0;
};

// The settings and what retention did since the node started.
struct RetentionStatus {
  RetentionOptions options;
  std::int64_t deletedProcesses = 0;
  std::int64_t deletedTasks = 0;
  std::int64_t archivedBytes = 0;
  std::optional<std::int64_t> lastRunAt;
  // Why the last pass failed; nullopt when it succeeded (or none ran).
  std::optional<std::string> lastError;
  // When the earliest ended process of this node's partitions still stored ended.
  std::optional<std::int64_t> oldestEndedAt;
};

class Retention {
 public:
  // The partitions whose processes this node may delete now.
  using OwnedPartitions = std::function<PartitionSet()>;
  // The archive line of a process (one JSON object, no newline).
  using ArchiveLine = std::function<std::string(const EndedProcess&)>;

  // Throws pledge::Error(BadRequest) for a batch below 1 or a maxAgeMs below 1, and
  // Error(Internal) when the archive folder cannot be created. metrics may be null.
  Retention(Store& store, RetentionOptions options, OwnedPartitions owned, ArchiveLine line,
            Metrics* metrics);
  ~Retention();
  Retention(const Retention&) = delete;
  Retention& operator=(const Retention&) = delete;

  // Starts the background passes (nothing when off).
  void start();
  // Ends the background passes; a pass under way stops after its current batch. Idempotent.
  void stop();

  // Deletes (archiving first) the ended processes of the owned partitions that ended before
  // now - maxAgeMs, batch by batch, until none is left or stop() is called. Throws
  // pledge::Error(Conflict) when retention is off, and what the store or the archive threw
  // (what was deleted before stays deleted and counted; the failed batch was not deleted).
  RetentionPass runPass(std::int64_t now);
  // A pass as soon as the background thread is free (so that a caller's thread is not held
  // for a long pass); done gets its outcome on that thread, or Unavailable when retention stops
  // first. Throws pledge::Error(Conflict) when retention is off.
  void runSoon(std::function<void(Result<RetentionPass>)> done);
  RetentionStatus status();

  // How often passes run for a retention age: a tenth of it, at most a minute, at least a second.
  static std::int64_t intervalMs(std::int64_t maxAgeMs);

 private:
  void loop();
  // One batch of a pass; false when nothing was left.
  bool runBatch(std::int64_t now, RetentionPass& pass);
  // Waits up to ms unless stopping; false when stopping.
  bool pause(std::int64_t ms);
  // Waits up to ms for stop() or runSoon(); false when stopping.
  bool awaitNextPass(std::int64_t ms);

  Store& store_;
  const RetentionOptions options_;
  OwnedPartitions owned_;
  ArchiveLine line_;
  Metrics* metrics_;

  // One pass at a time.
  std::mutex passMutex_;
  // Guards what follows.
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool started_ = false;
  // Waiting for the next pass (runSoon).
  std::vector<std::function<void(Result<RetentionPass>)>> asked_;
  RetentionStatus totals_;
  std::thread thread_;
};

// The archive file a pass at now (epoch ms) appends to: processes-YYYY-MM-DD.jsonl, the UTC day.
std::string archiveFileName(std::int64_t now);

// Now, as epoch milliseconds.
std::int64_t retentionNowMs();

}  // namespace pledge::server
