// The journal (docs/journal-store.md): a process's tasks are stored as records, one per commit
// that changed any of them, appended and never rewritten. Both stores write and read the same
// binary records; this is their format and how a process's tasks are rebuilt from them. Used by
// the stores (and their tests) only.
//
//   for (const journal::ProcessChanges& changes : journal::byProcess(batch.tasks))
//     append(changes.processId, journal::encode(changes.rows, journal::Kind::Delta));
//   journal::Replay replay;
//   for (const std::string& record : records) replay.apply(record);
//   std::vector<TaskRow> tasks = replay.take();  // ordered by seq, as the tasks table gave them
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pledge/server/id_table.h"
#include "pledge/server/store/store.h"
#include "pledge/uuid.h"

namespace pledge::server::journal {

// A process is rebuilt from at most this many records plus one: the commit that would write
// the next one writes a snapshot of every task instead and deletes the records before it.
inline constexpr int kSnapshotEvery = 32;

enum class Kind : std::uint8_t {
  Delta = 1,     // what one commit did to some of the process's tasks
  Snapshot = 2,  // every task of the process, in full: replay starts over
};

class SnapshotCounter;

// The task rows of one process in a batch, in the batch's order.
struct ProcessChanges {
  Uuid processId;
  std::vector<const TaskRow*> rows;
};

// The batch's task rows grouped by process, processes in order of first appearance.
std::vector<ProcessChanges> byProcess(const std::vector<TaskRow>& rows);

// One record. A new row (isNew) is written in full (spec, parent, seq, creation time); a changed
// one with the fields a commit may change. In a snapshot every row must be full.
std::string encode(const std::vector<const TaskRow*>& rows, Kind kind);

// Rebuilds one process's tasks from its records in order. Throws pledge::Error(Internal) for a
// record that is not one (a damaged store): the store's data is never guessed at.
class Replay {
 public:
  explicit Replay(const Uuid& processId) : processId_(processId) {}
  const Uuid& processId() const { return processId_; }
  void apply(std::string_view record);
  // How many records were applied since the last snapshot (the snapshot included).
  int records() const { return records_; }
  // Every task as the last record left it, ordered by seq; full rows (spec set, isNew false).
  std::vector<TaskRow> take();
  // The ids of the tasks created so far.
  std::vector<Uuid> taskIds() const;

 private:
  Uuid processId_;
  std::vector<TaskRow> tasks_;
  std::unordered_map<Uuid, std::size_t> index_;
  int records_ = 0;
};

// Rebuilds the tasks of many processes from their records, read in (process, seq) order, and
// appends them to out (by process, each ordered by seq). Tells counter, when given, how many
// records each process has: they were just read.
class Rebuilder {
 public:
  explicit Rebuilder(std::vector<TaskRow>& out, SnapshotCounter* counter = nullptr)
      : out_(out), counter_(counter) {}
  void add(const Uuid& processId, std::string_view record);
  // Call after the last record.
  void finish();

 private:
  std::vector<TaskRow>& out_;
  SnapshotCounter* counter_;
  std::optional<Replay> replay_;
};

// The snapshot record of a process whose stored records are `records` (in order), after delta.
std::string snapshot(const Uuid& processId, const std::vector<std::string>& records,
                     std::string_view delta);

// How many records each process has had written since its last snapshot, as far as this store
// object knows: set when a process is loaded (its records are read then), counted as commits
// append, forgotten when a process ends or sleeps (it is loaded again before it changes). A
// process never seen counts from 0. The count only decides when a snapshot is due, so a count
// that is off (a failed commit counted, a process written by another node meanwhile) costs at
// most an early or a late snapshot, never data. Internally synchronized: commits count while
// loads set.
class SnapshotCounter {
 public:
  // Counts one more record of the process; true when it should be a snapshot.
  bool next(const Uuid& processId);
  void set(const Uuid& processId, int records);
  void forget(const Uuid& processId);

 private:
  // Beyond this many processes the counts start over (a bound on memory, not on correctness).
  static constexpr std::size_t kMaxTracked = 1 << 21;
  // Adds an untracked process (under mutex_).
  void track(const Uuid& processId, int records);
  std::mutex mutex_;
  IdTable<int> records_;  // a process never seen (or forgotten) is absent: counts are >= 1
};

// Whether a process row of a commit takes its process out of memory (ended or dormant), so its
// count can be forgotten.
bool leavesMemory(const ProcessRow& row);

}  // namespace pledge::server::journal
