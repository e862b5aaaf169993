// What the SQLite and the PostgreSQL store keep alike: the column lists of processes and tasks,
// the numbers states are stored as, the readers of a result row, and the pieces of the queries and
// of their answers that do not depend on the database. Private to store/.
//
//   while (statement.step()) live.tasks.push_back(rows::readTask(statement));  // SQLite
//   for (const auto& row : result) live.tasks.push_back(rows::readTask(pg::Fields(row)));
#pragma once

#include <array>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pledge/json.h"
#include "pledge/limits.h"
#include "pledge/server/store/store.h"
#include "pledge/uuid.h"

namespace pledge::server::rows {

inline constexpr const char* kProcessColumns =
    "id, partition, start_task, custom_id, actor, method, state, started_at, ended_at, result, "
    "error, failed_task, wake_at, request_id, paused, tags, deadline_at";
inline constexpr const char* kTaskColumns =
    "id, process_id, spec, state, promise, attempt, attempt_base, not_before, lease_until, "
    "forward_to, value, error, created_at, ready_at, started_at, ended_at, parent_id, seq";

// The tags column: the JSON object, "" (NULL) for none.
std::string storedTags(const Tags& tags);

// Process states as stored; the numbers must never change.
inline int storedState(ProcessState state) { return static_cast<int>(state); }

// The wall clock in epoch ms, as the stored times are.
inline std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- retention: THE list of what belongs to a process -----------------------------------------
// Every table with rows keyed by a process or one of its tasks, as (table, condition): the rows
// deleteEnded removes with the process, in this order. {match} stands for the database's test of
// a process id ("= ?1" in SQLite, "= ANY($1::uuid[])" in PostgreSQL). A new table keyed by a
// process or a task id (process_tags, ...) gets a line here, or retention leaves its rows behind.
// One table is not here: task_ids, keyed by task alone, whose rows deleteEnded finds through the
// process's journal records (the tasks they name), before it deletes the journal.
struct OwnedRows {
  const char* table;
  const char* condition;
};
inline constexpr std::array<OwnedRows, 5> kRowsOfAProcess = {{
    {"event_deliveries", "process_id {match}"},
    {"event_waits", "process_id {match}"},
    {"kept_events", "process_id {match}"},
    {"process_tags", "process_id {match}"},
    {"journal", "process_id {match}"},
}};

// The condition (on the processes table, alias "" or "p.") that selects ended processes, those
// retention may delete: completed and aborted, never running or broken ones. SQLite's partial
// index processes_ended has the same condition; PostgreSQL lists these in process_ends.
std::string endedCondition(std::string_view alias);

// "DELETE FROM <table> WHERE <condition>" of one entry of kRowsOfAProcess, {match} replaced.
std::string deleteOwnedRows(const OwnedRows& rows, std::string_view match);

// Ended processes and their tasks (ordered by process), paired; processes keep their order.
std::vector<EndedProcess> pairEnded(std::vector<ProcessRow> processes, std::vector<TaskRow> tasks);

// A row of a result as each database's reader gives it: the column's NULL, its integer, its text
// ("" for NULL) and its uuid (nullopt for NULL).
template <class Row>
concept ResultRow = requires(const Row& row, int column) {
  { row.isNull(column) } -> std::same_as<bool>;
  { row.integer(column) } -> std::convertible_to<std::int64_t>;
  { row.text(column) } -> std::convertible_to<std::string>;
  { row.uuid(column) } -> std::same_as<std::optional<Uuid>>;
};

// A row of SELECT kProcessColumns. Throws JsonError when a stored result or error is not JSON.
template <ResultRow Row>
ProcessRow readProcess(const Row& row) {
  limits::Ignored stored;
  ProcessRow process;
  process.info.processId = *row.uuid(0);
  process.partition = static_cast<int>(row.integer(1));
  process.info.taskId = *row.uuid(2);
  if (!row.isNull(3)) process.info.customId = row.text(3);
  process.info.actor = row.text(4);
  process.info.method = row.text(5);
  process.info.state = static_cast<ProcessState>(row.integer(6));
  process.info.startedAt = row.integer(7);
  if (!row.isNull(8)) process.info.endedAt = row.integer(8);
  if (!row.isNull(9)) process.info.result = parseJson(std::string(row.text(9)));
  if (!row.isNull(10)) process.info.error = parseJson(std::string(row.text(10))).get<TaskError>();
  process.info.failedTaskId = row.uuid(11);
  if (!row.isNull(12)) process.wakeAt = row.integer(12);
  if (!row.isNull(13)) process.requestId = row.text(13);
  process.info.paused = row.integer(14) != 0;
  if (!row.isNull(15)) process.info.tags = readTags(parseJson(std::string(row.text(15))));
  if (!row.isNull(16)) process.info.deadline = row.integer(16);
  return process;
}

// A row of SELECT kTaskColumns.
template <ResultRow Row>
TaskRow readTask(const Row& row) {
  TaskRow task;
  task.id = *row.uuid(0);
  task.processId = *row.uuid(1);
  task.spec = row.text(2);
  task.state = static_cast<TaskState>(row.integer(3));
  task.promise = static_cast<PromiseState>(row.integer(4));
  task.attempt = static_cast<int>(row.integer(5));
  task.attemptBase = static_cast<int>(row.integer(6));
  task.notBefore = row.integer(7);
  task.leaseUntil = row.integer(8);
  task.forwardTo = row.uuid(9);
  task.value = row.text(10);
  task.error = row.text(11);
  task.createdAt = row.integer(12);
  task.readyAt = row.integer(13);
  task.startedAt = row.integer(14);
  task.endedAt = row.integer(15);
  task.parentId = row.uuid(16);
  task.seq = static_cast<int>(row.integer(17));
  return task;
}

inline constexpr const char* kScheduleColumns =
    "id, definition, paused, created_at, next_fire_at, last_fire_at, last_process_id, "
    "buffered_fire_at, recent, revision";

// A row of SELECT kScheduleColumns.
template <ResultRow Row>
ScheduleRow readSchedule(const Row& row) {
  auto optionalInteger = [&](int column) -> std::optional<std::int64_t> {
    if (row.isNull(column)) return std::nullopt;
    return row.integer(column);
  };
  return ScheduleRow{.id = row.text(0),
                     .definition = row.text(1),
                     .paused = row.integer(2) != 0,
                     .createdAt = row.integer(3),
                     .nextFireAt = optionalInteger(4),
                     .lastFireAt = optionalInteger(5),
                     .lastProcessId = row.uuid(6),
                     .bufferedFireAt = optionalInteger(7),
                     .recent = row.text(8),
                     .revision = row.integer(9)};
}

// "a, b" -> "t.a, t.b".
std::string qualified(std::string_view columns, std::string_view alias);

// The condition on the processes table (alias "" or "p.") that selects what loadLive loads:
// running or broken, not dormant past horizon, of the partitions partitionFilter selects (the
// database's own " AND ..." text).
std::string liveCondition(std::string_view alias, std::int64_t horizon,
                          std::string_view partitionFilter);

// The query's tag filters without repeats, so that each matches a different stored tag row.
std::vector<TagFilter> distinctTags(const ProcessQuery& query);

// Where a page of listProcesses starts: after the process the query's cursor names, or at the
// newest. Throws pledge::Error(BadRequest) for a limit outside 1 to 1000 or a malformed cursor.
std::optional<std::pair<std::int64_t, Uuid>> pageStart(const ProcessQuery& query);

// Adds one row of a listProcesses query that asked for limit + 1 rows. False, with page.next
// set, when the page already held limit items: the row is the first of the next page.
bool addToPage(ProcessPage& page, int limit, ProcessInfo process);

// Counts `count` processes in the stored state `state` (a row of SELECT state, COUNT(*)).
void addCount(ProcessCounts& counts, std::int64_t state, std::int64_t count);

}  // namespace pledge::server::rows
