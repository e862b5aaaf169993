// Metrics: the counters, gauges and histograms of GET /metrics (Prometheus text format), kept
// with prometheus-cpp.
//
//   Metrics metrics;
//   metrics.processStarted();
//   metrics.observeRequest("POST /api/v1/tasks/poll", 0.0004);
//   std::string text = metrics.scrape(queueDepths);
//
// Internally synchronized (prometheus-cpp's metrics are atomic).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pledge::server {

struct QueueDepth {
  std::string actor;
  std::string taskList;
  std::int64_t ready = 0;
  std::int64_t running = 0;
  std::int64_t waiting = 0;
};

// A limit (docs/operations.md, "Limits") as this node applies it: its share of maxRunning
// (nullopt: it bounds only starts per second) and the tasks counted against it here.
struct LimitGauge {
  std::string actor;
  std::string taskList;
  std::optional<std::int64_t> maxRunning;
  std::int64_t running = 0;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void processStarted();
  void processCompleted();
  void processBroken();
  void processAborted();
  void tasksHandedOut(std::int64_t count);
  // Leases put back because the answer that carried them never reached its poller.
  void tasksReturned(std::int64_t count);
  void taskReleased();
  void taskFailed();
  void taskRetried();
  void eventReceived();
  void eventDelivered();
  void eventTimedOut();
  // A schedule started a process (a fire or a trigger), or skipped a fire (docs/operations.md
  // "Schedules").
  void scheduleFired();
  void scheduleSkipped();
  void batchCommitted(std::int64_t rows, double seconds);
  // A group commit failed (the node reloads its partitions from the store).
  void commitFailed();
  // Retention: a batch deleted (after archiving), a pass ended at `at` (epoch ms).
  void retentionBatch(std::int64_t processes, std::int64_t tasks, std::int64_t archivedBytes);
  void retentionPassEnded(std::int64_t at, bool failed);
  // From a task becoming ready (its decision applied in memory) to a poll handing it out.
  void handedOut(double secondsSinceReady);
  // A request, or part of one, sent on to another node of the cluster: kind is process (a process
  // route relayed to its owner), release, start, or gather (a list summed over the nodes).
  void requestForwarded(std::string_view kind);
  // route is the pattern, e.g. "GET /api/v1/processes/{id}".
  void observeRequest(std::string_view route, double seconds);

  // A poll found ready tasks of a limit held back by it: pledge_limit_held_total.
  void limitHeld(const std::string& actor, const std::string& taskList);

  // The memory budget's gauges as of now: the estimate of the live processes' memory
  // (pledge_live_memory_bytes), the budget, and the processes waiting for room.
  void setMemory(std::int64_t liveMemoryBytes, std::int64_t budgetBytes,
                 std::int64_t waitingForMemory);

  // Whether the node runs open beyond loopback (--insecure without tokens): pledge_insecure.
  void setInsecure(bool insecure);

  // The text exposition, with queue depths, limits and live process counts as of now. Limits
  // no longer given lose their gauges.
  std::string scrape(const std::vector<QueueDepth>& depths, std::int64_t processesInMemory,
                     std::int64_t dormantProcesses, const std::vector<LimitGauge>& limits = {});

 private:
  struct Families;
  std::unique_ptr<Families> families_;
};

}  // namespace pledge::server
