// MemoryBook: the engine's book of its memory budget (EngineOptions::memoryBudgetBytes,
// docs/operations.md "Memory budget"): what a process entering memory is expected to grow to,
// how many more fit, and how many processes this node left dormant in the store and how many of
// those wait for memory.
//
//   MemoryBook budget(256 << 20, /*partitions=*/8);
//   budget.recount(PartitionSet::all(), dormant, due, now);     // what the store holds
//   if (budget.admits(graph.chargedBytes(), graph.processCount())) { ... }
//   budget.left(partition, wakeAt, startedAt);                   // a process went dormant
//   budget.loaded(partition, wakeAt, startedAt);                 // and came back
//
// Expected sizes: a process grows as it runs (a fanout decider adds its children), so admitting
// one by what it takes when it loads lets the live ones grow far past the budget. A process is
// expected to grow to what the processes that ended took (a running average of the last ones;
// before any ended, kFirstExpectedBytes), and the graph charges each live process the larger of
// what it takes and what it was expected to take (ProcessGraph::chargedBytes()).
//
// Counts: a process is counted dormant when it leaves memory dormant and uncounted when it is
// loaded back, and waiting for memory when it left due already (started over the budget: its
// wake time is its start time) or was due when its partition was counted; the same rule decides
// both, so the counts match the store's rows. Counts of partitions that moved to another node
// stay (the next owner counts them too): a count may be high, never low.
//
// Thread-confined to the engine's lock, except dormant() and waiting(), which any thread reads.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <vector>

#include "pledge/server/engine/process_graph.h"
#include "pledge/server/store/store.h"

namespace pledge::server {

class MemoryBook {
 public:
  // What a process is expected to grow to before any ended: one of a dozen tasks.
  static constexpr std::int64_t kFirstExpectedBytes = kProcessMemoryBytes + 12 * kTaskMemoryBytes;
  // The running average weighs the last this many ended processes most.
  static constexpr std::int64_t kAveragedEnds = 64;

  // budgetBytes 0: no budget (everything is admitted; counts are kept all the same).
  MemoryBook(std::int64_t budgetBytes, int partitions)
      : budgetBytes_(budgetBytes), dueUpTo_(static_cast<std::size_t>(partitions), kNever) {}

  std::int64_t budgetBytes() const { return budgetBytes_; }

  // ---- what processes grow to ------------------------------------------------------------
  std::int64_t expectedBytes() const { return expectedBytes_; }
  // A process ended having taken bytes of the estimate.
  void ended(std::int64_t bytes);
  // Whether a process may enter memory beside live ones charged chargedBytes: its expected
  // size fits in the budget, or nothing is live (a budget smaller than one process must not
  // stall everything).
  bool admits(std::int64_t chargedBytes, std::size_t live) const;
  // How many processes may enter memory now (at most most).
  int howManyFit(std::int64_t chargedBytes, std::size_t live, int most) const;

  // ---- processes in the store ------------------------------------------------------------
  // Adds the store's counts of partitions this node begins to serve, made at `at` (before any
  // of their processes was loaded): dormant ones, and those due by then.
  void recount(const PartitionSet& partitions, std::int64_t dormant, std::int64_t due,
               std::int64_t at);
  // Forgets every count (all partitions are counted again).
  void clear();
  // A process of partition left memory dormant until wakeAt / was loaded back from the store.
  void left(int partition, std::int64_t wakeAt, std::int64_t startedAt);
  void loaded(int partition, std::int64_t wakeAt, std::int64_t startedAt);
  std::int64_t dormant() const { return dormant_; }
  std::int64_t waiting() const { return waiting_; }

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

  // Whether a dormant process counts as waiting for memory (see the class comment).
  bool waits(int partition, std::int64_t wakeAt, std::int64_t startedAt) const;

  std::int64_t budgetBytes_;
  std::int64_t expectedBytes_ = kFirstExpectedBytes;
  std::int64_t endedSeen_ = 0;
  // By partition: the time its due dormant processes were counted as waiting (kNever: not).
  std::vector<std::int64_t> dueUpTo_;
  std::atomic<std::int64_t> dormant_{0};
  std::atomic<std::int64_t> waiting_{0};
};

}  // namespace pledge::server
