// Engine: the live processes of a node, their ready queues, timers and the group-commit pipeline
// that makes every change durable before it is acknowledged.
//
// Operations apply to the in-memory graph at once; their effects join the open batch. A writer
// thread commits batches one after another (a batch fills while the previous one commits); after
// a commit the batch's callbacks answer their requests, tasks it made ready enter their queues
// (so nothing is handed out that the store does not hold), and parked polls get those tasks. A
// timer thread fires start times, retries, lease expiries and the deadlines of parked requests.
//
//   Engine engine(openStore("sqlite:./pledge-data", 64), EngineOptions{});
//   engine.startProcess(request, [](Result<StartedProcess> started) { ... });
//   engine.poll(pollRequest, [](std::vector<PolledTask> tasks) { ... });   // may wait
//   engine.release(decisions, [](std::vector<ReleaseResult> results) { ... });
//
// Internally synchronized; callbacks run on engine threads (never under the engine's lock) and
// must return quickly: hand the answer to the connection's executor.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "pledge/decision.h"
#include "pledge/error.h"
#include "pledge/polled_task.h"
#include "pledge/process_info.h"
#include "pledge/result.h"
#include "pledge/server/node/metrics.h"
#include "pledge/server/engine/engine_types.h"
#include "pledge/server/engine/group_commit.h"
#include "pledge/server/engine/memory_book.h"
#include "pledge/server/engine/process_graph.h"
#include "pledge/server/engine/partition_ownership.h"
#include "pledge/server/engine/process_watches.h"
#include "pledge/server/engine/ready_queues.h"
#include "pledge/server/engine/start_keys.h"
#include "pledge/server/engine/task_limits.h"
#include "pledge/server/engine/timers.h"
#include "pledge/server/store/store.h"
#include "pledge/start_request.h"

namespace pledge::server {

using pledge::Result;

struct EngineOptions {
  std::string nodeName = "node-1";
  // Lease of tasks that set no timeoutMs.
  std::int64_t defaultTimeoutMs = kDefaultTimeoutMs;
  // A running process whose next event (a scheduled task) is more than this far away leaves
  // memory until shortly before then: memory holds what is about to run, the store the rest.
  // 0 keeps every live process in memory.
  std::int64_t dormantAfterMs = 60'000;
  // Dormant processes are loaded back this long before they are due.
  std::int64_t wakeAheadMs = 5'000;
  // Memory budget of the live processes (bytes; 0: none), against ProcessGraph::memoryBytes().
  // A process started while the estimate is over it (or while others wait) is written waiting
  // for memory (dormant, due at once) and leaves memory once durable; due dormant processes are
  // loaded oldest first as room frees (docs/operations.md, "Memory budget").
  std::int64_t memoryBudgetBytes = 0;
  // A task's lease is written once it has held this long (0: with the poll that hands it out).
  // Most tasks are released sooner, so their lease is never written; after a crash, the tasks
  // whose lease was not written are Ready again at once (under the same attempt number, which
  // their holder may still release), the others once their lease expires (rule 10).
  std::int64_t leaseWriteDelayMs = 1'000;
  // Upper bounds of what a poll may ask for.
  int maxPollBatch = 1000;
  std::int64_t maxPollWaitMs = 60'000;
  std::int64_t maxResultWaitMs = 300'000;
  // Requests waiting at once (long polls and result waits); one more is refused (LimitExceeded).
  std::size_t maxParkedRequests = 10'000;
  // Queues (actor and task list pairs) and names (actors, methods, task lists) a node keeps
  // track of; a poll or a decision that would add one more is refused (LimitExceeded).
  std::size_t maxQueues = 10'000;
  std::size_t maxNames = 100'000;
  // After a failed commit of a node alone on its store, the first reload is tried this long
  // after, then at doubling intervals up to reloadMaxMs.
  std::int64_t reloadFirstMs = 500;
  std::int64_t reloadMaxMs = 10'000;
  // Events nobody waits for are kept this long unless they say otherwise; event ids are
  // remembered (a repeat is a duplicate) as long.
  std::int64_t eventRetentionMs = kDefaultEventRetentionMs;
  // A cluster node looks this often for deliveries other nodes made to its tasks.
  std::int64_t eventSweepMs = 100;
};

class Engine {
 public:
  // Rebuilds the live processes from the store and starts the writer and timer threads.
  // metrics may be null.
  Engine(std::unique_ptr<Store> store, EngineOptions options, Metrics* metrics);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Graceful stop: parked requests are answered (polls with no tasks), the open batch is
  // committed, the threads end. Later operations answer Unavailable. Idempotent.
  void shutdown();

  // ---- store faults ---------------------------------------------------------------------
  // A commit that fails leaves memory ahead of the store. The engine then answers the requests of
  // that batch (and of the open one) Unavailable, forgets its processes and serves nothing until
  // it reloaded them from the store: a node alone on its store does so itself once a test write
  // succeeds (retrying with backoff); a cluster node leaves it to its Cluster, which adopts the
  // partitions it still holds. Meanwhile writes answer Unavailable naming the store's error, and
  // reads are served from the store. Nothing acknowledged is lost; a retried request is applied
  // (or found done) once the store is back. A store read that fails during a request changes
  // nothing and answers Unavailable.
  //
  // Why the store cannot be written now; nullopt when it can.
  std::optional<std::string> storeProblem();

  // Starts a process, or answers the existing one for a repeated customId (existing = true).
  // Answered once the process is durable.
  void startProcess(const StartRequest& request, std::function<void(Result<StartedProcess>)> done);
  // Starts many processes in one go (each as startProcess would); answered once all are durable.
  void startProcesses(const std::vector<StartRequest>& requests,
                      std::function<void(std::vector<Result<StartedProcess>>)> done);
  // Hands out up to max ready tasks of the queues, waiting up to waitMs for the first one.
  // Throws pledge::Error(BadRequest) for a malformed request (what checkPoll throws), and
  // LimitExceeded when it would wait with the waiting requests at their limit. Returns, when the
  // poll waits, what cancels it (its client went away: it is answered with no tasks and leases
  // nothing); otherwise an empty function.
  std::function<void()> poll(const PollRequest& request,
                             std::function<void(std::vector<PolledTask>)> done);
  // Puts leased tasks back: each (task, attempt) still leased under that attempt is Ready again
  // at once, as if never handed out (the answer that carried it never reached its poller). A
  // holder that did get it may still release that attempt.
  void returnLeases(const std::vector<std::pair<Uuid, int>>& leases);
  // Throws pledge::Error(BadRequest) naming what poll() would refuse in request.
  void checkPoll(const PollRequest& request) const;
  // Applies each decision on its own (one may be rejected, the others still apply); answered
  // once every accepted one is durable.
  // mayWorkFor, when set, says whether the caller may release a task of an actor (a worker token
  // names its actors): a decision for another actor's task is rejected Forbidden.
  void release(const std::vector<Decision>& decisions,
               std::function<void(std::vector<ReleaseResult>)> done,
               const ActorFilter& mayWorkFor = {});
  // Extends the lease of the task's current attempt. NotFound, or Conflict for a stale attempt;
  // Forbidden when mayWorkFor refuses the task's actor.
  std::optional<Error> heartbeat(const Uuid& taskId, int attempt,
                                 const ActorFilter& mayWorkFor = {});

  std::optional<ProcessInfo> process(const Uuid& processId);
  // The process once it has ended or broken, or as it is after waitMs.
  void awaitProcess(const Uuid& processId, std::int64_t waitMs,
                    std::function<void(Result<ProcessInfo>)> done);
  // Restart gives a broken process's failed tasks a new attempt; abort cancels every live task of
  // a running or broken process. Conflict when the process is in another state (ended ones
  // included), NotFound when there is none.
  void restart(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done);
  void abort(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done);
  std::optional<std::vector<TaskSnapshot>> processTasks(const Uuid& processId);
  // Pause holds back every task of a running or broken process that is not yet handed out
  // (those running finish); resume hands them out again. Both are durable when answered and
  // idempotent; Conflict for an ended process.
  void pause(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done);
  void resume(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done);
  enum class Operation { Restart, Abort, Pause, Resume };
  ProcessPage listProcesses(const ProcessQuery& query);

  std::vector<QueueStats> queues();
  std::vector<ActorStats> actors();
  // ---- events (docs/events.md) -----------------------------------------------------------
  // Delivers an event to every event task waiting for its name and key (on any node), or to
  // those of one process (processId set: NotFound when there is none, Conflict when it has
  // ended); with none waiting it is kept for a waiter to come. Answered once durable.
  void sendEvent(Event event, std::optional<Uuid> processId,
                 std::function<void(Result<EventDelivery>)> done);
  // Kept events not yet consumed, oldest first (of this name when set).
  std::vector<KeptEvent> keptEvents(const std::optional<std::string>& name, int limit);

  // Blocked actors' tasks stay queued until unblocked. Durable when it returns.
  void setBlocked(const std::string& actor, bool blocked);

  // ---- limits (docs/operations.md, "Limits") --------------------------------------------
  // Sets (replaces) or clears the limit of an actor or of one of its task lists; durable when
  // it returns, applied at once (polls it held back are served). setLimit throws
  // pledge::Error(BadRequest) naming the field checkLimit refuses; clearLimit answers whether
  // there was one.
  void setLimit(const TaskLimit& limit);
  bool clearLimit(const std::string& actor, const std::string& taskList);
  // The limits this node applies, with its share and what counts against them here.
  std::vector<LimitStats> limits();
  // Replaces the limits with the store's and sets how many live nodes share them (a cluster
  // node, each balancing round: another node may have changed them, or membership changed).
  void syncLimits(const std::vector<TaskLimit>& limits, int nodes);

  int partitions() const { return graph_.partitions(); }

  // ---- partitions -----------------------------------------------------------------------
  // A node alone on its store serves every partition from the start. Nodes sharing a store
  // (store->cluster() set) start with none; their Cluster adopts the partitions whose leases
  // they take and drops those they lose or hand over. Requests about a process of a partition
  // this node does not serve answer Unavailable (the REST layer forwards them to the owner).
  bool owns(int partition) const;
  int partitionOf(const Uuid& processId) const { return graph_.partitionOf(processId); }
  // The partition a process with this customId lives in, the same on every node.
  int partitionOfCustomId(const std::string& customId) const;
  // The partition a start lands in: its customId's, else its requestId's (so that one node
  // decides whether a retried request ran already); nullopt for a start with neither.
  std::optional<int> partitionOfStart(const StartRequest& request) const;
  std::vector<int> ownedPartitions() const;
  bool servesAnyPartition() const;
  // The partition of a task's process: from the hint, memory or the store; nullopt for an
  // unknown task.
  std::optional<int> partitionOfTask(const Uuid& taskId, const std::optional<Uuid>& processHint);
  // Loads the live processes of the partitions from the store and serves them from then on;
  // stillHeld (when given) is asked again, under the engine's lock, right before each partition
  // is served (its lease may have gone while loading).
  void adoptPartitions(const std::vector<int>& partitions, std::function<bool(int)> stillHeld = {});
  // Stops serving the partitions: waits until every change to them is committed, then their
  // processes leave memory (the store holds them for the next owner).
  void dropPartitions(const std::vector<int>& partitions);
  // Replaces the blocked actors with the store's (another node may have changed them).
  void syncBlocked(const std::vector<std::string>& actors);
  // Live processes in memory; dormant ones in the store, and those waiting for memory (see
  // MemoryBook).
  std::int64_t processesInMemory();
  std::int64_t dormantProcesses() const { return budget_.dormant(); }
  std::int64_t processesWaitingForMemory() const { return budget_.waiting(); }
  // The estimate of the memory the live processes take (ProcessGraph::memoryBytes()).
  std::int64_t liveMemoryBytes();
  const EngineOptions& options() const { return options_; }
  // The store, for what is written beside the batches (workflow definitions); thread-safe.
  Store& store() { return *store_; }
  std::int64_t startedAt() const { return startedAt_; }

 private:
  // How the engine's parts share its lock: graph_ and every part below are guarded by mutex_
  // (the parts say so and take no lock of their own); owns() reads atomics. Store I/O never
  // happens under mutex_, and callbacks run after it is released.
  static std::int64_t nowMs();

  // ---- loading and dormancy (engine_loading.cpp) -----------------------------------------
  // Puts processes read from the store into the graph (under the lock).
  void adopt(LiveState state, std::int64_t now, Effects& effects);
  // Reads the processes ids() names, to load them (without the lock), and drops those in
  // memory and those that came and left memory meanwhile (read as they were before: they could
  // run twice; *stale is set). Throws what the store throws (with the lock held again).
  LiveState readDormant(std::unique_lock<std::mutex>& lock,
                        const std::function<std::vector<Uuid>()>& ids, bool* stale = nullptr);
  // Removes a process from memory (under the lock).
  void evict(Process& process);
  // When a process may leave memory: the time its first scheduled task is due, if every live
  // task of it waits for a time more than dormantAfterMs away (or for such a task).
  std::optional<std::int64_t> dormantUntil(const Process& process, std::int64_t now) const;
  void wakeDueProcesses(std::unique_lock<std::mutex>& lock);

  // ---- memory budget (engine_memory.cpp) -------------------------------------------------
  // Whether a process starting now waits for memory: it does not fit, or others wait.
  bool startWaitsForMemory() const;
  // When a process may leave memory: at once (its start time) if it waits for memory and is
  // only its start task, else dormantUntil().
  std::optional<std::int64_t> leaveMemoryUntil(const Process& process, std::int64_t now) const;
  // How many due dormant processes a wake scan may load now (MemoryBook::howManyFit).
  int processesThatFit() const;
  // Processes left memory: if some wait for room and there is some, a wake scan runs now.
  void roomFreed();
  // Until when loadLive loads dormant ones (none under a budget: wake scans do, as they fit).
  std::int64_t loadHorizon(std::int64_t now) const;
  // Reloads every partition after a failed commit once the store takes writes again (timer
  // thread, under the lock; released while it reads).
  void reloadWhenDue(std::unique_lock<std::mutex>& lock);

  // ---- batches (engine_commit.cpp) -------------------------------------------------------
  // Takes the effects of an operation into the open batch (under the lock).
  void absorb(Effects& effects);
  // Runs callback once the open batch is committed (no error) or failed to commit.
  void whenDurable(std::function<void(const std::optional<Error>&)> callback);
  void materialize(GroupCommit::Batch& batch, WriteBatch& rows);
  void afterCommit(std::unique_lock<std::mutex>& lock, GroupCommit::Batch& batch);
  // A commit failed: memory is ahead of the store. Answers every waiting request with
  // Unavailable and empties memory; the node reloads from the store (itself when alone on it,
  // else its Cluster adopts the held partitions again).
  void afterFailedCommit(std::unique_lock<std::mutex>& lock,
                         std::vector<GroupCommit::Callback> callbacks, const std::string& why);
  TaskRow rowOf(Task& task, bool takeSpec);
  ProcessRow rowOf(Process& process);
  // withTags false leaves info.tags empty: a row that is not new never writes them again.
  ProcessInfo infoOf(const Process& process, bool withTags = true) const;

  // ---- events (engine_events.cpp) --------------------------------------------------------
  // What a Listening task asks the store for (under the lock).
  EventClaim claimOf(const Task& task) const;
  // Applies what a committed batch's event operations found: deliveries to Listening tasks
  // this node serves, time-outs, and the answers of sends (under the lock).
  void applyEventAnswers(GroupCommit::Batch& batch, std::int64_t now, Effects& effects);
  // A delivery to a task (if it still listens here).
  void applyDelivery(const Uuid& taskId, const EventGot& got, std::int64_t now, Effects& effects);
  // Cluster nodes: applies deliveries another node made to tasks of partitions this node serves
  // (every eventSweepMs); every node: deletes kept events whose time ran out (every minute).
  // Timer thread, under the lock, which it releases while it reads the store.
  void sweepEvents(std::unique_lock<std::mutex>& lock);

  // ---- tasks (engine_tasks.cpp) ----------------------------------------------------------
  // Leases up to max tasks from the queues into out (under the lock).
  void takeTasks(const std::vector<ReadyQueues::Queue*>& queues, int max, std::int64_t now,
                 Effects& effects, std::vector<PolledTask>& out);
  // takeTasks took taken tasks of a limited queue: they take their tokens; when a limit bound
  // the queue and ready tasks stay, the poll counts as held back.
  void noteLimited(TaskLimits::ActorLimits& limited, const QueueKey& key, std::int64_t taken,
                   bool bound);
  // Gives queued tasks to parked polls, oldest first (under the lock).
  void serveParkedPolls(std::int64_t now, Effects& effects,
                        std::vector<std::function<void()>>& answers);
  // A release or heartbeat of the attempt after a Ready task's: that attempt's lease was handed
  // out but never written (a restart or a takeover came between); lease the task to it again.
  void resumeUndurableLease(Task& task, int attempt, std::int64_t now, Effects& effects);
  // Leases task (Ready) and arranges for the lease to be written once it is leaseWriteDelayMs old.
  void leaseTask(Task& task, std::int64_t now, Effects& effects);
  // Moves the leases due to be written, and still held, into effects.
  void writeDueLeases(std::int64_t now, Effects& effects);
  void timerLoop();
  // Replaces the limits and serves the polls they may have held back (takes the lock).
  void applyLimits(const std::vector<TaskLimit>& limits, std::optional<int> nodes);
  // Token buckets that held tasks back and have a token again: their polls are served (timer
  // thread, under the lock, which it releases to answer). Answers the next such time.
  std::optional<std::int64_t> serveRefilledLimits(std::unique_lock<std::mutex>& lock,
                                                  std::int64_t now);

  // ---- starts (engine_starts.cpp) --------------------------------------------------------
  // Starts one process or finds the existing one of its key (under the lock). stored is what
  // the store said of the key (looked up before, outside the lock), lookupFailed why it could
  // not say.
  Result<StartedProcess> startLocked(const StartRequest& request, std::int64_t now,
                                     Effects& effects, const std::optional<StartedProcess>& stored,
                                     const std::optional<Error>& lookupFailed);
  // Throws LimitExceeded when a poll of these queues, or new tasks of these specs, would make
  // the engine track more queues or names than its limits (under the lock).
  void checkRoomFor(const std::vector<QueueSelector>& queues) const;
  // The queues that count toward maxQueues: all but the server's own (isServerActor).
  std::size_t clientQueues() const;
  // Whether one more request of a client may wait (polls of these queues; a result wait when
  // queues is empty): the waiting requests of clients are under maxParkedRequests. The server's
  // own polls (every queue isServerActor) always may, and are not counted.
  bool waitsAreUnderTheLimit(const std::vector<QueueSelector>& queues) const;
  std::optional<Error> checkRoomFor(const std::vector<TaskSpec>& specs) const;

  // ---- operations (engine_processes.cpp) -------------------------------------------------
  // Restart or abort: the one path of both.
  void operate(Operation operation, const Uuid& processId,
               std::function<void(Result<ProcessInfo>)> done);

  bool serving(int partition) const;
  Error notServed(int partition) const;

  std::unique_ptr<Store> store_;
  EngineOptions options_;
  Metrics* metrics_;
  std::int64_t startedAt_;

  std::mutex mutex_;
  ProcessGraph graph_;
  PartitionOwnership ownership_;
  ReadyQueues queues_;
  TaskLimits limits_{graph_};
  ProcessWatches watches_;
  Timers timers_;
  StartKeys startKeys_;
  GroupCommit commits_;
  // Ended processes wait here until no open batch refers to them.
  std::vector<Process*> endedAwaitingEviction_;

  MemoryBook budget_;
  std::int64_t nextWakeScan_ = 0;
  // A wake scan left due processes in the store for lack of room: the next room freed scans.
  bool dueLeftForRoom_ = false;
  // Reads of the store that load processes, running now (outside the lock), and the processes
  // that left memory meanwhile: what such a read holds of them may be older than the store.
  int loadsInFlight_ = 0;
  std::unordered_set<Uuid> leftDuringLoads_;
  // Set after a failed commit until the partitions are reloaded (see storeProblem()).
  std::optional<std::string> storeProblem_;
  std::int64_t nextReloadAt_ = 0;
  std::int64_t reloadBackoffMs_ = 0;

  std::int64_t nextDeliverySweep_ = 0;
  std::int64_t nextEventExpiry_ = 0;

  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace pledge::server
