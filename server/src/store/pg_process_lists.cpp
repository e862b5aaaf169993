#include "store/pg_process_lists.h"

#include <fmt/format.h>

#include "store/stored_rows.h"

namespace pledge::server::pg {
namespace {

using Type = BinaryArray::Type;

void addState(std::array<BinaryArray, 4>& columns, const ProcessInfo& info, int partition) {
  columns[0].add(std::int64_t{rows::storedState(info.state)});
  columns[1].add(info.startedAt);
  columns[2].add(info.processId);
  columns[3].add(std::int64_t{partition});
}

}  // namespace

ProcessLists::ProcessLists()
    : changed_{BinaryArray(Type::Uuid), BinaryArray(Type::Int8), BinaryArray(Type::Int4)},
      newStates_{BinaryArray(Type::Int4), BinaryArray(Type::Int8), BinaryArray(Type::Uuid),
                 BinaryArray(Type::Int4)},
      changedStates_{BinaryArray(Type::Int4), BinaryArray(Type::Int8), BinaryArray(Type::Uuid),
                     BinaryArray(Type::Int4)},
      ends_{BinaryArray(Type::Int8), BinaryArray(Type::Uuid), BinaryArray(Type::Int4)} {}

void ProcessLists::add(const ProcessInfo& info, int partition, bool isNew) {
  const bool completed = info.state == ProcessState::Completed;
  if (!isNew) {
    changed_[0].add(info.processId);
    changed_[1].add(info.startedAt);
    changed_[2].add(std::int64_t{rows::storedState(info.state)});
  }
  if (!completed) {
    addState(isNew ? newStates_ : changedStates_, info, partition);
  }
  if (info.ended()) {
    ends_[0].add(info.endedAt.value_or(info.startedAt));
    ends_[1].add(info.processId);
    ends_[2].add(std::int64_t{partition});
  }
}

void ProcessLists::write(CommitSink& sink) {
  // A process has one row in process_states, of its state (none once completed): a changed
  // process loses the row of any other state and gets one of its own unless it is there. Ends
  // are written once; a row written again finds its end there.
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
  if (ends_[0].size() > 0) {
    sink.add({"commit_process_ends",
              "INSERT INTO process_ends (ended_at, id, partition) SELECT * FROM "
              "unnest($1::bigint[], $2::uuid[], $3::int[]) ON CONFLICT DO NOTHING",
              takeAll(ends_)});
  }
}

std::string liveProcesses(std::int64_t horizon, const std::string& partitionFilter) {
  return fmt::format(
      "process_states s JOIN processes p ON p.id = s.id WHERE s.state IN ({0}, {1}) AND p.state "
      "IN ({0}, {1}) AND (p.wake_at IS NULL OR p.wake_at <= {2}){3}",
      rows::storedState(ProcessState::Running), rows::storedState(ProcessState::Broken), horizon,
      partitionFilter);
}

}  // namespace pledge::server::pg
