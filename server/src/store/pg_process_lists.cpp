#include "store/pg_process_lists.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "store/pg_rows.h"
#include "store/stored_rows.h"

namespace pledge::server::pg {
namespace {

using Type = BinaryArray::Type;

const int kRunning = rows::storedState(ProcessState::Running);

void addState(std::array<BinaryArray, 4>& columns, const ProcessInfo& info, int partition) {
  columns[0].add(std::int64_t{rows::storedState(info.state)});
  columns[1].add(info.startedAt);
  columns[2].add(info.processId);
  columns[3].add(std::int64_t{partition});
}

}  // namespace

void Horizons::learn(const PartitionSet& partitions,
                     const std::vector<std::pair<int, std::int64_t>>& stored) {
  std::lock_guard lock(mutex_);
  for (const auto& [partition, horizon] : stored) horizons_[partition] = horizon;
  std::erase_if(unlisted_,
                [&](const auto& entry) { return partitions.contains(entry.second.partition); });
}

bool Horizons::unlist(const ProcessInfo& info, int partition) {
  std::lock_guard lock(mutex_);
  auto horizon = horizons_.find(partition);
  if (horizon == horizons_.end() || info.startedAt < horizon->second) return false;
  unlisted_[info.processId] = {info.startedAt, partition};
  return true;
}

bool Horizons::unlisted(const ProcessInfo& info) {
  std::lock_guard lock(mutex_);
  auto found = unlisted_.find(info.processId);
  if (found == unlisted_.end()) return false;
  if (info.state != ProcessState::Running) unlisted_.erase(found);
  return true;
}

std::optional<Horizons::Move> Horizons::move(const std::set<int>& partitions, std::int64_t now) {
  std::lock_guard lock(mutex_);
  Move move{{}, now - kListAfterMs, now};
  for (int partition : partitions) {
    auto horizon = horizons_.find(partition);
    if (horizon == horizons_.end() || horizon->second > move.to - kMoveEveryMs) continue;
    move.from = std::min(move.from, horizon->second);
    horizon->second = move.to;
    move.partitions.push_back(partition);
  }
  if (move.partitions.empty()) return std::nullopt;
  // Those of other partitions too: a process forgotten goes the way of a listed one, which is
  // right whether it has a row or not, and the processes of a partition this node no longer
  // writes do not stay.
  std::erase_if(unlisted_, [&](const auto& entry) { return entry.second.startedAt < move.to; });
  return move;
}

ProcessLists::ProcessLists(Horizons& horizons, const std::set<int>& written, std::int64_t now)
    : changed_{BinaryArray(Type::Uuid), BinaryArray(Type::Int8), BinaryArray(Type::Int4)},
      newStates_{BinaryArray(Type::Int4), BinaryArray(Type::Int8), BinaryArray(Type::Uuid),
                 BinaryArray(Type::Int4)},
      changedStates_{BinaryArray(Type::Int4), BinaryArray(Type::Int8), BinaryArray(Type::Uuid),
                     BinaryArray(Type::Int4)},
      unlisted_{BinaryArray(Type::Int8), BinaryArray(Type::Uuid), BinaryArray(Type::Int4)},
      ends_{BinaryArray(Type::Int8), BinaryArray(Type::Uuid), BinaryArray(Type::Int4)},
      firstEnds_{BinaryArray(Type::Int8), BinaryArray(Type::Uuid), BinaryArray(Type::Int4)},
      horizons_(horizons),
      // Before the processes are added: they go unlisted or not by the moved horizons.
      move_(horizons.move(written, now)) {}

void ProcessLists::add(const ProcessInfo& info, int partition, bool isNew) {
  const bool completed = info.state == ProcessState::Completed;
  const bool running = info.state == ProcessState::Running;
  // Whether the process has no row in process_states (before this commit).
  const bool noRow =
      isNew ? running && horizons_.unlist(info, partition) : horizons_.unlisted(info);
  if (!isNew && !noRow) {
    changed_[0].add(info.processId);
    changed_[1].add(info.startedAt);
    changed_[2].add(std::int64_t{rows::storedState(info.state)});
  }
  if (isNew && noRow) {
    unlisted_[0].add(info.startedAt);
    unlisted_[1].add(info.processId);
    unlisted_[2].add(std::int64_t{partition});
  } else if (!completed && !(noRow && running)) {
    addState(isNew ? newStates_ : changedStates_, info, partition);
  }
  if (info.ended()) {
    // A new process, or one that was running unlisted, ends for the first time.
    auto& ends = isNew || noRow ? firstEnds_ : ends_;
    ends[0].add(info.endedAt.value_or(info.startedAt));
    ends[1].add(info.processId);
    ends[2].add(std::int64_t{partition});
  }
}

void ProcessLists::write(CommitSink& sink) {
  // A process has one row in process_states, of its state (none once completed): a changed
  // process loses the row of any other state and gets one of its own unless it is there. Ends
  // are written once; a row written again finds its end there (ON CONFLICT), unless it cannot
  // have ended before (new, or running unlisted until this commit: a plain insert, cheaper).
  if (changed_[0].size() > 0) {
    sink.add({"commit_process_states_left", kLeaveOtherStates, takeAll(changed_)});
  }
  if (newStates_[0].size() > 0) {
    sink.add({"commit_process_states_new",
              "INSERT INTO process_states (state, started_at, id, partition) SELECT * FROM "
              "unnest($1::int[], $2::bigint[], $3::uuid[], $4::int[])",
              takeAll(newStates_)});
  }
  if (changedStates_[0].size() > 0) {
    sink.add({"commit_process_states_changed",
              "INSERT INTO process_states (state, started_at, id, partition) SELECT * FROM "
              "unnest($1::int[], $2::bigint[], $3::uuid[], $4::int[]) ON CONFLICT DO NOTHING",
              takeAll(changedStates_)});
  }
  if (unlisted_[0].size() > 0) {
    // Those left unlisted are listed after all if their partition's stored horizon has passed
    // them: never the case while this node's horizons are true (Horizons::learn), but a process
    // below the horizon without a row would be lost to the loads.
    sink.add({"commit_process_states_unlisted",
              "INSERT INTO process_states (state, started_at, id, partition) SELECT 0, "
              "u.started_at, u.id, u.partition FROM unnest($1::bigint[], $2::uuid[], $3::int[]) "
              "AS u(started_at, id, partition) LEFT JOIN process_horizons h ON h.partition = "
              "u.partition WHERE h.listed_before IS NULL OR u.started_at < h.listed_before",
              takeAll(unlisted_)});
  }
  if (ends_[0].size() > 0) {
    sink.add({"commit_process_ends",
              "INSERT INTO process_ends (ended_at, id, partition) SELECT * FROM "
              "unnest($1::bigint[], $2::uuid[], $3::int[]) ON CONFLICT DO NOTHING",
              takeAll(ends_)});
  }
  if (firstEnds_[0].size() > 0) {
    sink.add({"commit_process_first_ends",
              "INSERT INTO process_ends (ended_at, id, partition) SELECT * FROM "
              "unnest($1::bigint[], $2::uuid[], $3::int[])",
              takeAll(firstEnds_)});
  }
  if (move_) {
    // The running processes the horizons pass get their rows (from what is stored, this
    // commit's processes included), then the horizons move.
    BinaryArray partitions(Type::Int4);
    for (int partition : move_->partitions) partitions.add(std::int64_t{partition});
    const std::string wanted = partitions.take();
    const std::string to = binaryInt8(move_->to);
    const std::string from = binaryInt8(move_->from);
    // PostgreSQL reads processes_by_start from the lowest horizon this node knows ($3); a
    // stored horizon lower than that (were one of its moves lost) stays where it is.
    sink.add({"list_passed_processes",
              "INSERT INTO process_states (state, started_at, id, partition) SELECT 0, "
              "p.started_at, p.id, p.partition FROM processes p JOIN process_horizons h ON "
              "h.partition = p.partition WHERE h.partition = ANY($1::int[]) AND h.listed_before "
              ">= $3 AND p.started_at >= $3 AND p.started_at >= h.listed_before AND p.started_at "
              "< $2 AND p.state = 0 ON CONFLICT DO NOTHING",
              {wanted, to, from}});
    sink.add({"move_horizons",
              "UPDATE process_horizons SET listed_before = $2 WHERE partition = ANY($1::int[]) "
              "AND listed_before >= $3 AND listed_before < $2",
              {wanted, to, from}});
  }
}

std::string unlisted(const PartitionSet& partitions, std::int64_t from) {
  return fmt::format(
      "SELECT q.id, q.started_at FROM processes q JOIN process_horizons h ON h.partition = "
      "q.partition WHERE q.started_at >= {0} AND q.started_at >= h.listed_before AND q.state = "
      "{1}{2} AND NOT EXISTS (SELECT 1 FROM process_states x WHERE x.state = {1} AND "
      "x.started_at = q.started_at AND x.id = q.id)",
      from, kRunning, partitionFilter("q.", partitions));
}

std::int64_t lowestHorizon(pqxx::transaction_base& tx, const PartitionSet& partitions) {
  const pqxx::result lowest =
      tx.exec(fmt::format("SELECT min(listed_before) FROM process_horizons WHERE true{}",
                          partitionFilter("", partitions)));
  return lowest[0][0].is_null() ? std::numeric_limits<std::int64_t>::max()
                                : lowest[0][0].as<std::int64_t>();
}

std::string liveProcesses(std::int64_t horizon, const PartitionSet& partitions, std::int64_t from) {
  return fmt::format(
      "(SELECT s.id FROM process_states s WHERE s.state IN ({0}, {1}){2} UNION ALL SELECT u.id "
      "FROM ({3}) u) l JOIN processes p ON p.id = l.id WHERE p.state IN ({0}, {1}) AND "
      "(p.wake_at IS NULL OR p.wake_at <= {4})",
      kRunning, rows::storedState(ProcessState::Broken), partitionFilter("s.", partitions),
      unlisted(partitions, from), horizon);
}

std::string processesInState(std::int64_t from) {
  return fmt::format(
      "(SELECT state, started_at, id FROM process_states UNION ALL SELECT {}, u.started_at, "
      "u.id FROM ({}) u) s",
      kRunning, unlisted(PartitionSet::all(), from));
}

std::string countByState(std::int64_t from) {
  return fmt::format(
      "SELECT state, SUM(n)::bigint FROM (SELECT state, COUNT(*) AS n FROM process_states GROUP "
      "BY state UNION ALL SELECT {}, COUNT(*) FROM ({}) u) c GROUP BY state UNION ALL SELECT {}, "
      "(SELECT COUNT(*) FROM process_ends) - (SELECT COUNT(*) FROM process_states WHERE state = "
      "{})",
      kRunning, unlisted(PartitionSet::all(), from), rows::storedState(ProcessState::Completed),
      rows::storedState(ProcessState::Aborted));
}

void learnHorizons(pqxx::transaction_base& tx, Horizons& horizons, const PartitionSet& partitions) {
  std::vector<std::pair<int, std::int64_t>> stored;
  for (const auto& row :
       tx.exec(fmt::format("SELECT partition, listed_before FROM process_horizons WHERE true{}",
                           partitionFilter("", partitions)))) {
    stored.emplace_back(row[0].as<int>(), row[1].as<std::int64_t>());
  }
  horizons.learn(partitions, stored);
}

}  // namespace pledge::server::pg
