// The two lists of processes that PostgreSQL keeps beside `processes` (migration 15;
// docs/journal-store.md, "The ninth round: HOT ends on PostgreSQL"), so that no index of
// `processes` names its state or its end and a process's end is a HOT update (no index entry):
//
//   process_states (state, started_at, id, partition)   every process not completed: running,
//                                                       broken and aborted, by state, newest last
//   process_ends   (ended_at, id, partition)            every ended process, by when it ended
//
// A commit writes them with the processes (ProcessLists); the loads of live processes, the lists
// by state, the counts and retention read them. Private to store/.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "pledge/process_info.h"
#include "store/pg_binary_array.h"
#include "store/pg_commit.h"

namespace pledge::server::pg {

// The rows of the two lists that one commit writes.
class ProcessLists {
 public:
  ProcessLists();
  // A process row of the commit: inserted when isNew, else updated (the last row of a process in
  // the batch; a row that was new stays new).
  void add(const ProcessInfo& info, int partition, bool isNew);
  // Adds the commit's statements to sink, after the processes' own.
  void write(CommitSink& sink);

 private:
  std::array<BinaryArray, 3> changed_;        // id, started_at, state: other states' rows go
  std::array<BinaryArray, 4> newStates_;      // state, started_at, id, partition
  std::array<BinaryArray, 4> changedStates_;  // the same, kept when there already
  std::array<BinaryArray, 3> ends_;           // ended_at, id, partition
};

// The statement by which a commit's changed processes ($1 ids, $2 start times, $3 states) leave
// the row of any other state than theirs: it probes the key for each (LATERAL ... LIMIT 1;
// joined, PostgreSQL hashed the whole table, every live process, at each commit).
inline constexpr const char* kLeaveOtherStates =
    "DELETE FROM process_states WHERE ctid = ANY(ARRAY(SELECT s.ctid FROM unnest($1::uuid[], "
    "$2::bigint[], $3::int[]) AS u(id, started_at, state) CROSS JOIN LATERAL (SELECT ctid FROM "
    "process_states s WHERE s.state = ANY('{0,2,3}'::int[]) AND s.started_at = u.started_at AND "
    "s.id = u.id AND s.state <> u.state LIMIT 1) s))";

// FROM and WHERE of the live processes (running or broken; the loads) that are due by horizon
// (not dormant past it), with the processes as p and their list rows as s: "process_states s
// JOIN processes p ... WHERE ...". partitionFilter ("" for all) applies to s.
std::string liveProcesses(std::int64_t horizon, const std::string& partitionFilter);

// Counts of processes by state (rows of state, count): running, broken and aborted from
// process_states, completed as the ended ones less the aborted.
inline constexpr const char* kCountByState =
    "SELECT state, COUNT(*) FROM process_states GROUP BY state UNION ALL SELECT 1, (SELECT "
    "COUNT(*) FROM process_ends) - (SELECT COUNT(*) FROM process_states WHERE state = 3)";

}  // namespace pledge::server::pg
