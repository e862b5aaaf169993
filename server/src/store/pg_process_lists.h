// The two lists of processes that PostgreSQL keeps beside `processes` (migration 15;
// docs/journal-store.md, "The ninth round: HOT ends on PostgreSQL"), so that no index of
// `processes` names its state or its end and a process's end is a HOT update (no index entry):
//
//   process_states (state, started_at, id, partition)   every process not completed: running,
//                                                       broken and aborted, by state, newest last
//   process_ends   (ended_at, id, partition)            every ended process, by when it ended
//
// A commit writes them with the processes (ProcessLists); the loads of live processes, the lists
// by state, the counts and retention read them.
//
// A running process is listed late (migration 18; docs/journal-store.md, "The eleventh round"):
// one started at or after its partition's horizon (process_horizons.listed_before) may have no
// row while it runs, and most end before they get one. The commits of a partition's owner move
// its horizon to kListAfterMs behind the clock and list the running processes it passes; the
// readers add the processes started since their horizon that run and have no row (unlisted()).
// Private to store/.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pledge/process_info.h"
#include "pledge/server/store/store.h"
#include "store/pg_binary_array.h"
#include "store/pg_commit.h"

namespace pledge::server::pg {

// How long a running process may go without a row in process_states, and how far a horizon
// lags before a commit moves it.
inline constexpr std::int64_t kListAfterMs = 1'000;
inline constexpr std::int64_t kMoveEveryMs = 500;

// What a PgStore knows of the horizons, for its commits: each partition's horizon as its
// commits set it (the stored one once they are written; a load of the partition reads it) and
// the processes its commits left unlisted, which have no row until their partition's horizon
// passes them. The rule the commits keep: no running process without a row is below its
// partition's stored horizon. Thread-safe: the commits and the loads come from different
// threads.
class Horizons {
 public:
  // The stored horizons of the partitions loaded (a load of live processes reads them before
  // the processes; no commit of this node writes them then): the processes of those partitions
  // are forgotten (a partition owned before may have been moved since).
  void learn(const PartitionSet& partitions,
             const std::vector<std::pair<int, std::int64_t>>& stored);
  // Whether a new running process goes unlisted: started at or after its partition's horizon.
  bool unlist(const ProcessInfo& info, int partition);
  // Whether a process written again has no row: one left unlisted whose horizon has not passed
  // it. Forgotten unless still running.
  bool unlisted(const ProcessInfo& info);

  struct Move {
    std::vector<int> partitions;
    std::int64_t to = 0;
    std::int64_t from = 0;  // the lowest of their horizons before
  };
  // The horizons of partitions (a commit's, which it holds) that lag kListAfterMs +
  // kMoveEveryMs behind now or more, moved to kListAfterMs behind now; the processes they pass
  // are forgotten (the commit lists them), and those started as long ago in other partitions.
  std::optional<Move> move(const std::set<int>& partitions, std::int64_t now);

 private:
  struct Unlisted {
    std::int64_t startedAt;
    int partition;
  };
  std::mutex mutex_;
  std::unordered_map<int, std::int64_t> horizons_;
  std::unordered_map<Uuid, Unlisted> unlisted_;
};

// The rows of the two lists that one commit writes.
class ProcessLists {
 public:
  // A commit of the partitions written, at now (ms).
  ProcessLists(Horizons& horizons, const std::set<int>& written, std::int64_t now);
  // A process row of the commit: inserted when isNew, else updated (the last row of a process in
  // the batch; a row that was new stays new).
  void add(const ProcessInfo& info, int partition, bool isNew);
  // Adds the commit's statements to sink, after the processes' own.
  void write(CommitSink& sink);

 private:
  std::array<BinaryArray, 3> changed_;        // id, started_at, state: other states' rows go
  std::array<BinaryArray, 4> newStates_;      // state, started_at, id, partition
  std::array<BinaryArray, 4> changedStates_;  // the same, kept when there already
  std::array<BinaryArray, 3> unlisted_;       // started_at, id, partition: running, no row
  std::array<BinaryArray, 3> ends_;           // ended_at, id, partition
  std::array<BinaryArray, 3> firstEnds_;      // the same, of processes not ended before
  Horizons& horizons_;
  std::optional<Horizons::Move> move_;
};

// The statement by which a commit's changed processes ($1 ids, $2 start times, $3 states) leave
// the row of any other state than theirs: it probes the key for each (LATERAL ... LIMIT 1;
// joined, PostgreSQL hashed the whole table, every live process, at each commit).
inline constexpr const char* kLeaveOtherStates =
    "DELETE FROM process_states WHERE ctid = ANY(ARRAY(SELECT s.ctid FROM unnest($1::uuid[], "
    "$2::bigint[], $3::int[]) AS u(id, started_at, state) CROSS JOIN LATERAL (SELECT ctid FROM "
    "process_states s WHERE s.state = ANY('{0,2,3}'::int[]) AND s.started_at = u.started_at AND "
    "s.id = u.id AND s.state <> u.state LIMIT 1) s))";

// A query of (id, started_at) of the running processes of partitions that have no row in
// process_states: started since their partition's horizon, read by processes_by_start from
// from, the lowest of those horizons (lowestHorizon; a literal, so that PostgreSQL knows how few
// processes follow it).
std::string unlisted(const PartitionSet& partitions, std::int64_t from);

// The lowest stored horizon of partitions (the largest int64 when none is stored).
std::int64_t lowestHorizon(pqxx::transaction_base& tx, const PartitionSet& partitions);

// FROM and WHERE of the live processes (running or broken; the loads) of partitions that are due
// by horizon (not dormant past it), listed or not, with the processes as p: "(...) l JOIN
// processes p ... WHERE ...".
std::string liveProcesses(std::int64_t horizon, const PartitionSet& partitions, std::int64_t from);

// The processes of a state not completed, listed or not, as s (state, started_at, id), for a
// walk newest first.
std::string processesInState(std::int64_t from);

// Counts of processes by state (rows of state, count): running, broken and aborted from
// process_states (running with the unlisted ones), completed as the ended ones less the aborted.
std::string countByState(std::int64_t from);

// Tells horizons the stored horizons of partitions (Horizons::learn).
void learnHorizons(pqxx::transaction_base& tx, Horizons& horizons, const PartitionSet& partitions);

// The horizons of a new store's partitions (after their leases): the clock of the database.
inline constexpr const char* kFirstHorizons =
    "INSERT INTO process_horizons (partition, listed_before) SELECT partition, (extract(epoch "
    "FROM clock_timestamp()) * 1000)::bigint FROM partition_leases ON CONFLICT DO NOTHING";

}  // namespace pledge::server::pg
