// Store: the only source of truth of a node. The engine applies decisions in memory and makes
// them durable by committing a WriteBatch (one transaction for many decisions, group commit)
// before it answers; after a restart it rebuilds its live processes from loadLive().
//
//   std::unique_ptr<Store> store = openStore("sqlite:./pledge-data", 64);
//   WriteBatch batch;
//   batch.processes.push_back(row);
//   store->commit(batch);                     // durable when it returns
//
// Implementations are internally synchronized: commit() runs on the engine's writer thread
// while the query methods serve API threads.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pledge/event.h"
#include "pledge/process_info.h"
#include "pledge/server/store/task_state.h"
#include "pledge/start_request.h"
#include "pledge/uuid.h"

namespace pledge::server {

// countDormant's dueBy for every dormant process.
inline constexpr std::int64_t kEveryDormant = std::numeric_limits<std::int64_t>::max();

class ClusterStore;

// A set of partitions: every one (a node alone on its store) or the listed ones (a node of a
// cluster serving the partitions it holds leases of).
struct PartitionSet {
  bool everything = true;
  std::vector<int> list;

  static PartitionSet all() { return {}; }
  static PartitionSet of(std::vector<int> partitions) { return {false, std::move(partitions)}; }
  bool contains(int partition) const;
};

// The persisted state of one task. spec is set only when the row is new.
struct TaskRow {
  Uuid id;
  Uuid processId;
  // The partition of its process (not stored: the process row holds it).
  int partition = 0;
  // The task whose decision created this one; nullopt for a start task.
  std::optional<Uuid> parentId;
  // Creation order within the process.
  int seq = 0;
  bool isNew = false;
  std::string spec;  // TaskSpec JSON
  TaskState state = TaskState::Waiting;
  PromiseState promise = PromiseState::Pending;
  int attempt = 0;
  int attemptBase = 0;
  std::int64_t notBefore = 0;
  std::int64_t leaseUntil = 0;
  std::optional<Uuid> forwardTo;
  std::string value;  // JSON of the resolved value, "" when none
  std::string error;  // JSON of the last TaskError, "" when none
  std::int64_t createdAt = 0;
  std::int64_t readyAt = 0;
  std::int64_t startedAt = 0;
  std::int64_t endedAt = 0;
};

struct ProcessRow {
  ProcessInfo info;
  int partition = 0;
  // The requestId of the start that created the process (StartOptions::requestId).
  std::optional<std::string> requestId;
  bool isNew = false;
  // Set while the process is dormant: out of memory until this time (epoch ms), when its next
  // scheduled task is due.
  std::optional<std::int64_t> wakeAt;
};

// ---- events (docs/events.md) ----------------------------------------------------------------
// The store is where events meet their waiters: each operation below runs in the commit's
// transaction, serialized per name and key with every other node's (PostgreSQL: an advisory
// lock of the pair), so an event and a waiter created at once on two nodes always meet.

// An event task began to listen: it takes a delivery already made to it, else the oldest kept
// event that matches one of its names (which then becomes its delivery), else it is recorded as
// waiting for each of them.
struct EventClaim {
  Uuid taskId;
  Uuid processId;
  int partition = 0;
  // The first is its method; more when it waits for the first of several events.
  std::vector<std::string> names;
  std::string key;
};

// An event from outside: every waiter of its name and key (of processId only, when set; a
// targeted event with key "" matches any key) gets a delivery; with none it is kept until
// keptUntil (not when keptUntil <= now). An id seen before changes nothing.
struct EventSend {
  Event event;
  std::optional<Uuid> processId;
  std::int64_t now = 0;
  std::int64_t keptUntil = 0;
};

// A delivery made to a waiting event task, until the task's owner applies it.
struct EventDeliveryRow {
  Uuid taskId;
  Uuid processId;
  int partition = 0;
  std::string name;     // of the event that came
  std::string payload;  // JSON
};

// A delivery as a claim or a time-out finds it: the event's name and payload (JSON).
struct EventGot {
  std::string name;
  std::string payload;

  bool operator==(const EventGot&) const = default;
};

struct EventOps {
  // When the batch was made (epoch ms): kept events whose time ran out by then match nothing.
  std::int64_t now = 0;
  std::vector<EventClaim> claims;
  std::vector<EventSend> sends;
  // Listening tasks whose wait ran out: each stops waiting unless a delivery came first.
  std::vector<Uuid> timeouts;
  // Event tasks that ended (got their event, timed out, were cancelled): their wait and
  // delivery rows go.
  std::vector<Uuid> ended;

  bool empty() const {
    return claims.empty() && sends.empty() && timeouts.empty() && ended.empty();
  }
};

// What the event operations of a commit found, in the order of the batch's lists.
struct EventAnswers {
  // Per claim: its delivery, nullopt when it waits.
  std::vector<std::optional<EventGot>> claims;
  // Per send: what it did.
  std::vector<EventDelivery> sends;
  // The deliveries the sends made (of every partition: the owners apply them).
  std::vector<EventDeliveryRow> deliveries;
  // Per timeout: a delivery that came first, nullopt when it timed out.
  std::vector<std::optional<EventGot>> timeouts;
};

// An event kept for a waiter to come.
struct KeptEvent {
  std::string name;
  std::string key;
  std::optional<std::string> id;
  std::optional<Uuid> processId;
  std::string payload;  // JSON
  std::int64_t keptAt = 0;
  std::int64_t keptUntil = 0;
};

// The rows one commit writes; later rows of the same id win. Event operations run after the
// rows, in the order claims, sends, timeouts, ended.
struct WriteBatch {
  std::vector<ProcessRow> processes;
  std::vector<TaskRow> tasks;
  EventOps events;

  bool empty() const { return processes.empty() && tasks.empty() && events.empty(); }
};

// Running and broken processes with all their tasks, as a restart reloads them.
struct LiveState {
  std::vector<ProcessRow> processes;
  std::vector<TaskRow> tasks;
};

struct ProcessQuery {
  std::optional<ProcessState> state;
  // Only paused (true) or only not paused (false) processes.
  std::optional<bool> paused;
  std::optional<std::string> actor;
  std::optional<std::string> customId;
  std::optional<std::int64_t> startedAfter;
  std::optional<std::int64_t> startedBefore;
  // Only processes with every one of these tags (the key with that value).
  std::vector<TagFilter> tags;
  int limit = 50;
  // Opaque position from the previous page's `next`.
  std::optional<std::string> cursor;
};

struct ProcessPage {
  std::vector<ProcessInfo> items;
  std::optional<std::string> next;
};

// What a start is deduplicated by: its customId, else its requestId.
struct StartKey {
  std::optional<std::string> customId;
  std::optional<std::string> requestId;
};

// A workflow definition as registered (docs/workflows.md): its JSON text, checked before it is
// stored; (name, version) names it for good.
struct WorkflowRow {
  std::string name;
  int version = 1;
  std::string definition;  // JSON
  std::int64_t createdAt = 0;
};

// A schedule (docs/operations.md "Schedules"): its definition and its fire state. revision
// counts the row's writes: an update names the revision it read and changes nothing when another
// write came between (compare and set), so neither two nodes nor a node and a REST request
// lose or double a fire.
struct ScheduleRow {
  std::string id;
  std::string definition;  // JSON: the Schedule's definition fields (pledge/schedule.h)
  bool paused = false;
  std::int64_t createdAt = 0;
  std::optional<std::int64_t> nextFireAt;
  std::optional<std::int64_t> lastFireAt;
  std::optional<Uuid> lastProcessId;
  std::optional<std::int64_t> bufferedFireAt;
  std::string recent = "[]";  // JSON array of the latest ScheduleFires, newest first
  std::int64_t revision = 0;

  bool operator==(const ScheduleRow&) const = default;
};

// ---- retention (docs/operations.md "Retention") ---------------------------------------------
// An ended process (completed or aborted) with its tasks, as retention archives it.
struct EndedProcess {
  ProcessRow process;
  std::vector<TaskRow> tasks;
};

// What one deleteEnded transaction removed.
struct DeletedRows {
  std::int64_t processes = 0;
  std::int64_t tasks = 0;
};

// A limit on handing out the tasks of an actor (docs/operations.md, "Limits"), of all its task
// lists (taskList empty) or of one: at most maxRunning handed out and not yet released or
// expired, at most perSecond hand-outs a second with bursts of up to burst. Unset: no bound.
struct TaskLimit {
  std::string actor;
  std::string taskList;
  std::optional<std::int64_t> maxRunning;
  std::optional<double> perSecond;
  std::optional<std::int64_t> burst;
  bool operator==(const TaskLimit&) const = default;
};

struct ProcessCounts {
  std::int64_t running = 0;
  std::int64_t completed = 0;
  std::int64_t broken = 0;
  std::int64_t aborted = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // The number of partitions stored with the data.
  virtual int partitions() const = 0;
  // Writes the batch in one transaction, durably. Throws pledge::Error on failure, having written
  // nothing (or, when the connection broke during the commit, without knowing: the engine then
  // reloads from the store, and starts carry a requestId so that a retry finds what did commit).
  virtual EventAnswers commit(const WriteBatch& batch) = 0;
  // Pipelined commits, for a store that waits on a server (PostgreSQL): the next commit goes
  // out while the server still runs the one before. canPipeline(batch): whether batch may go
  // out so; if not, it takes commit(), with nothing in flight. sendCommit() sends batch after
  // those in flight and returns at once; awaitCommit() waits for the oldest in flight and
  // returns what commit() would have, or nullopt when interruptAwait() (any thread) came
  // first. A commit is written only if each one sent before it was: when one fails,
  // sendCommit() or awaitCommit() throws as commit() does, and every commit in flight failed
  // with it (nothing of them written or, when the connection broke, not knowing what).
  virtual bool canPipeline(const WriteBatch& batch);
  virtual void sendCommit(const WriteBatch& batch);
  virtual std::optional<EventAnswers> awaitCommit();
  virtual void interruptAwait() {}
  // Deliveries waiting to be applied to tasks of the partitions (their owner missed them: it
  // was down, or another node made them), at most limit.
  virtual std::vector<EventDeliveryRow> pendingDeliveries(const PartitionSet& partitions,
                                                          int limit) = 0;
  // Kept events not expired at now, oldest first (of this name when set), at most limit.
  virtual std::vector<KeptEvent> keptEvents(const std::optional<std::string>& name,
                                            std::int64_t now, int limit) = 0;
  // Deletes kept events whose time ran out by now and event ids recorded before idsBefore;
  // returns how many kept events it deleted.
  virtual std::int64_t expireEvents(std::int64_t now, std::int64_t idsBefore) = 0;
  // A small write transaction, to tell whether writes succeed again after a failed commit (a
  // full disk, a lost connection). Throws pledge::Error when it fails.
  virtual void checkWritable() = 0;
  // Running and broken processes of the partitions that are not dormant past horizon (epoch
  // ms), with their tasks.
  virtual LiveState loadLive(std::int64_t horizon, const PartitionSet& partitions) = 0;
  // Dormant processes of the partitions due by horizon, earliest first, at most limit of them.
  virtual std::vector<Uuid> dormantDue(std::int64_t horizon, int limit,
                                       const PartitionSet& partitions) = 0;
  // These processes with their tasks (those that exist).
  virtual LiveState loadProcesses(const std::vector<Uuid>& ids) = 0;
  // How many processes of the partitions are dormant now, of those due by dueBy (epoch ms;
  // kEveryDormant: all).
  virtual std::int64_t countDormant(std::int64_t dueBy, const PartitionSet& partitions) = 0;

  virtual std::optional<ProcessRow> findProcess(const Uuid& id) = 0;
  virtual std::optional<Uuid> findProcessByCustomId(const std::string& customId) = 0;
  // For each key, the process its customId names (when it has one), else the process its
  // requestId started; nullopt when there is none. existing is set in each answer.
  virtual std::vector<std::optional<StartedProcess>> findStarts(
      const std::vector<StartKey>& keys) = 0;
  virtual std::optional<TaskRow> findTask(const Uuid& id) = 0;
  virtual std::vector<TaskRow> processTasks(const Uuid& processId) = 0;
  // Newest first; throws pledge::Error(BadRequest) for a malformed cursor.
  virtual ProcessPage listProcesses(const ProcessQuery& query) = 0;
  virtual ProcessCounts countProcesses() = 0;

  // Retention: up to limit ended processes (completed, aborted) of the partitions that ended
  // before cutoff (epoch ms), the earliest ended first, with their tasks. Running and broken
  // processes are never among them.
  virtual std::vector<EndedProcess> endedBefore(std::int64_t cutoff, int limit,
                                                const PartitionSet& partitions) = 0;
  // Deletes these processes, those of them that are ended, with every row that belongs to them
  // (tasks, event waits and deliveries, events kept for them), in one transaction. Throws
  // pledge::Error having deleted nothing.
  virtual DeletedRows deleteEnded(const std::vector<Uuid>& ids) = 0;
  // When the earliest ended process of the partitions still stored ended; nullopt for none.
  virtual std::optional<std::int64_t> oldestEnded(const PartitionSet& partitions) = 0;

  // Blocked actors survive restarts. setActorBlocked is durable when it returns.
  virtual void setActorBlocked(const std::string& actor, bool blocked) = 0;
  virtual std::vector<std::string> blockedActors() = 0;

  // Limits survive restarts and are shared by the nodes of a store. setLimit replaces the limit
  // of its (actor, taskList); deleteLimit answers whether there was one. Durable when they
  // return. limits() is ordered by actor, then task list.
  virtual void setLimit(const TaskLimit& limit) = 0;
  virtual bool deleteLimit(const std::string& actor, const std::string& taskList) = 0;
  virtual std::vector<TaskLimit> limits() = 0;

  // Workflow definitions. putWorkflow stores the row durably when (name, version) is free and
  // answers true; it answers true too when that version holds the same text already, false
  // when it holds another (nothing changes).
  virtual bool putWorkflow(const WorkflowRow& row) = 0;
  // The version asked for, or the highest one when version is nullopt.
  virtual std::optional<WorkflowRow> findWorkflow(const std::string& name,
                                                  std::optional<int> version) = 0;
  // Every version of every definition (definition text included), by name then version.
  virtual std::vector<WorkflowRow> listWorkflows() = 0;

  // Schedules. insertSchedule stores the row at revision 1 when its id is free and answers
  // nullopt; else it changes nothing and answers the stored row.
  virtual std::optional<ScheduleRow> insertSchedule(const ScheduleRow& row) = 0;
  // Writes row over the stored one if that is still at row.revision, which becomes
  // row.revision + 1; false, changing nothing, when the row is gone or was written since.
  virtual bool updateSchedule(const ScheduleRow& row) = 0;
  virtual std::optional<ScheduleRow> findSchedule(const std::string& id) = 0;
  // Every schedule, by id.
  virtual std::vector<ScheduleRow> listSchedules() = 0;
  // False when there was none.
  virtual bool deleteSchedule(const std::string& id) = 0;

  // Membership and partition leases when several nodes share this store; null for a store only
  // one node uses (that node owns every partition).
  virtual ClusterStore* cluster() { return nullptr; }
};

// The `next` of a page of processes ordered newest first, and back; decoding throws
// pledge::Error(BadRequest) for text no server made.
std::string encodeProcessCursor(std::int64_t startedAt, const Uuid& id);
std::pair<std::int64_t, Uuid> decodeProcessCursor(const std::string& cursor);

// Opens the store a URL names: "sqlite:<data dir>" (created on first use) or
// "postgresql://..." (schema created on first use). partitions is used when the store is new and
// must match otherwise.
// Throws pledge::Error with what to do on failure.
std::unique_ptr<Store> openStore(const std::string& url, int partitions);

}  // namespace pledge::server
