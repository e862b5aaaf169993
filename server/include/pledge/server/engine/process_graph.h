// ProcessGraph: the live processes of this node and the engine rules that move them: which task
// is ready (rule 2), how promises resolve and forward (rule 3), how an attempt's failure is
// retried or fails for good (rules 4-6), when a process completes (rule 7), restart and abort.
//
// The graph is pure state: it reads no clock and does no I/O. Every operation takes `now` and
// reports what the engine must do next in Effects — tasks that became ready (to queue once the
// batch holding the change is durable), timers to arm, rows to persist, processes that ended.
//
//   ProcessGraph graph(64);
//   Effects effects;
//   Process& process = graph.startProcess(request, processId, taskId, now, effects);
//   Task* start = graph.findTask(taskId);          // Ready: effects.readied holds it
//   graph.lease(*start, now, effects);
//   graph.applyDecision(*start, decision, now, effects);
//
// What is written (changedTasks). A task's row when it is created, when an attempt fails, when
// its promise settles and when it ends; a process's when it starts, breaks, restarts or ends.
// Readiness is not: a loaded Waiting task whose promises are settled is made runnable again.
// A lease is not either: the engine writes it only once it has been held a while
// (EngineOptions::leaseWriteDelayMs), so the many tasks released sooner cost no lease row.
//
// Thread-compatible: the engine serializes all calls.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pledge/arg_spec.h"
#include "pledge/decision.h"
#include "pledge/json.h"
#include "pledge/polled_task.h"
#include "pledge/process_info.h"
#include "pledge/retry_policy.h"
#include "pledge/server/engine/task_link.h"
#include "pledge/server/engine/task_timers.h"
#include "pledge/server/id_table.h"
#include "pledge/server/store/task_state.h"
#include "pledge/start_request.h"
#include "pledge/task_error.h"
#include "pledge/task_spec.h"
#include "pledge/uuid.h"

namespace pledge::server {

// Lease of an attempt when neither the call nor the IDL sets timeoutMs (the server's
// --default-timeout-ms changes it).
inline constexpr std::int64_t kDefaultTimeoutMs = 60'000;
// A task without a retry policy is still handed out again after a lost lease (its worker died),
// up to this many attempts in all; then it fails with kLeaseExpiredError.
inline constexpr int kAttemptsAfterLostLeases = 5;
// What the memory estimate (ProcessGraph::memoryBytes) counts for a process and for each of its
// tasks in memory, beside the bytes of each task's stored spec (and value, when loaded): the
// structures, maps and strings around them. Measured: docs/operations.md, "Memory budget".
inline constexpr std::int64_t kProcessMemoryBytes = 1'200;
inline constexpr std::int64_t kTaskMemoryBytes = 1'000;


struct Task;
struct Process;

// A task waiting for a promise, and the flags of the argument it waits with.
struct Waiter {
  Task* task;
  const PromiseFlags* flags;
};

struct Task {
  Uuid id;
  Process* process = nullptr;
  // The task whose decision created this one; nil for a start task.
  Uuid parentId;
  // Creation order within the process (the start task is 0).
  int seq = 0;
  // Interned by the graph; stable for its lifetime.
  const std::string* actor = nullptr;
  const std::string* method = nullptr;
  const std::string* taskList = nullptr;
  TaskType type = TaskType::Worker;
  std::vector<ArgSpec> args;
  int priority = 0;
  std::int64_t timeoutMs = kDefaultTimeoutMs;
  std::shared_ptr<const RetryPolicy> retry;  // null: no retries
  // An event task's wait and a timer's delay (options.timeoutMs); 0: an event waits forever.
  std::int64_t waitMs = 0;
  // Not handed out before: the start time of the spec, or of the next retry.
  std::int64_t notBefore = 0;
  // Schedule-to-start (options.scheduleToStartMs); 0: a ready task may wait any time.
  std::int64_t scheduleToStartMs = 0;

  TaskState state = TaskState::Waiting;
  PromiseState promise = PromiseState::Pending;
  // Handouts so far; the current lease is attempt `attempt`.
  int attempt = 0;
  // Attempts before the last restart; retry policies count from here.
  int attemptBase = 0;
  // Leased: when the lease runs out. Listening: when the wait times out (0: never). Ready: when
  // schedule-to-start runs out (0: never; in memory only, a restart starts it anew).
  std::int64_t leaseUntil = 0;
  // Awaited promise arguments (list elements each) not yet settled acceptably.
  int pendingArgs = 0;
  // The resolved value (shared: forwarders and readers copy the pointer).
  std::shared_ptr<const Json> value;
  std::optional<TaskError> error;
  // Completed by forwarding: this task's promise is the promise of forwardTo.
  Task* forwardTo = nullptr;
  std::vector<Waiter> waiters;
  std::vector<Task*> forwarders;

  std::int64_t createdAt = 0;
  std::int64_t readyAt = 0;
  std::int64_t startedAt = 0;
  std::int64_t endedAt = 0;
  // Order of entering Ready, for FIFO among equal priorities.
  std::uint64_t readySeq = 0;
  // Its place in a ready queue (while Ready and durable) and among the leases not yet written
  // (while Leased): setState takes it out of either when it moves on.
  TaskLink readyLink{this};
  TaskLink leaseLink{this};
  // Its place among the deadlines (Timers::atTask), left when it ends (setState) or is freed.
  TimerHook timer;
  // When its lease is to be written, if still held (while in the leases' list).
  std::int64_t leaseWriteDue = 0;
  // Kept by the engine: the last batch that wrote its row (a batch writes it once).
  std::uint64_t writtenIn = 0;
  // Kept by the engine: steady-clock microseconds when the task last became ready.
  std::int64_t readyStampUs = 0;
  // The attempt whose release was applied (a repeated release of it is a duplicate).
  int releasedAttempt = 0;
  // The TaskSpec JSON, kept until the row is written, then dropped.
  std::string pendingSpecJson;
};

struct Process {
  Uuid id;
  int partition = 0;
  std::optional<std::string> customId;
  // The requestId of the start that created it (a retry of that start answers this process).
  std::optional<std::string> requestId;
  // Its start request's tags (they never change).
  Tags tags;
  Task* startTask = nullptr;
  ProcessState state = ProcessState::Running;
  std::int64_t startedAt = 0;
  std::int64_t endedAt = 0;
  std::optional<TaskError> error;
  std::optional<Uuid> failedTaskId;
  // Tasks in a live state (waiting, scheduled, ready, leased), and those of them scheduled.
  int liveTasks = 0;
  int scheduledTasks = 0;
  // Failed tasks whose failure nobody accepted; a restart gives them a new attempt.
  std::vector<Task*> blockingTasks;
  std::vector<std::unique_ptr<Task>> tasks;
  // Paused: its Ready tasks are held back (held, as the queues came upon them) until resumed.
  bool paused = false;
  std::vector<Task*> held;

  // Kept by the engine: the row exists in the store; the newest batch holding a change of this
  // process (it is evicted only once that batch is committed); the state metrics last counted.
  bool rowWritten = false;
  std::uint64_t lastBatch = 0;
  // The last batch that looked at it, and that wrote its row (each does so once).
  std::uint64_t touchedIn = 0;
  std::uint64_t writtenIn = 0;
  ProcessState reportedState = ProcessState::Running;
  // Set when the engine decided the process may leave memory until then (dormant).
  std::optional<std::int64_t> wakeAt;
  // Its deadline (epoch ms; 0: none): the start task spec's processDeadline.
  std::int64_t deadlineAt = 0;
  // Started over the engine's memory budget: it is written waiting for memory (dormant, due at
  // once) and leaves memory once that is durable, unless something changed it meanwhile.
  bool waitingForMemory = false;
  // What it adds to the graph's memory estimate (ProcessGraph::memoryBytes), and what it was
  // expected to grow to when it entered memory (ProcessGraph::chargedBytes).
  std::int64_t memoryBytes = 0;
  std::int64_t expectedBytes = 0;
};

// What operations ask of the engine. Pointers stay valid until the engine evicts the process,
// which it does only after the batch holding these effects is committed.
struct Effects {
  std::vector<Task*> readied;
  // Event tasks that began to listen: the engine asks the store for their event.
  std::vector<Task*> listening;
  // Tasks whose deadline (notBefore or leaseUntil) was set.
  std::vector<Task*> timed;
  // Tasks whose row must be written. Left out (see ProcessGraph's "what is written"): a task
  // made Ready by its promises or its start time (the store can recompute it) and a new lease
  // (the engine writes it later).
  std::vector<Task*> changedTasks;
  std::vector<Process*> changedProcesses;
  // Completed or aborted processes.
  std::vector<Process*> ended;
  // Processes whose deadline timer is to be armed (started, or loaded, with one).
  std::vector<Process*> deadlines;

  bool empty() const {
    return readied.empty() && listening.empty() && timed.empty() && changedTasks.empty() &&
           changedProcesses.empty() && ended.empty() && deadlines.empty();
  }
  void clear();
};

// The actors whose tasks the server runs itself (docs/workflows.md): workflow steps and the
// system tasks of scripts, events and HTTP. Their queues do not count toward --max-queues.
inline bool isServerActor(std::string_view actor) {
  return actor.starts_with("workflow:") || actor == "pledge.system#1";
}

// A queue: tasks of one actor on one task list (interned pointers).
struct QueueKey {
  const std::string* actor;
  const std::string* taskList;
  bool operator==(const QueueKey&) const = default;
};

struct QueueKeyHash {
  std::size_t operator()(const QueueKey& key) const {
    return std::hash<const void*>{}(key.actor) * 31 + std::hash<const void*>{}(key.taskList);
  }
};

// Live tasks of a queue by state: waiting (for promises or their start time), ready, running.
struct QueueCounts {
  std::int64_t waiting = 0;
  std::int64_t ready = 0;
  std::int64_t running = 0;
};

// Why a decision cannot be applied (it changes nothing).
struct Rejection {
  ErrorCode code;
  std::string message;
};

class ProcessGraph {
 public:
  ProcessGraph(int partitions, std::int64_t defaultTimeoutMs = kDefaultTimeoutMs);
  ProcessGraph(const ProcessGraph&) = delete;
  ProcessGraph& operator=(const ProcessGraph&) = delete;

  int partitions() const { return partitions_; }
  std::int64_t defaultTimeoutMs() const { return defaultTimeoutMs_; }
  int partitionOf(const Uuid& processId) const;

  // Creates a process whose start task calls request.method with request.args. The start task
  // is Ready at once or Scheduled at startTime.
  Process& startProcess(const StartRequest& request, Uuid processId, Uuid taskId,
                        std::int64_t now, Effects& effects);

  // Hands out a Ready task: a new attempt with a lease of timeoutMs. Not a changedTasks entry:
  // the engine decides when the lease is written.
  void lease(Task& task, std::int64_t now, Effects& effects);
  // The task's arguments with every awaited promise replaced by its value (or accepted failure).
  std::vector<ArgValue> resolvedArgs(const Task& task) const;
  // One argument of task, resolved as resolvedArgs() does.
  ArgValue resolvedArg(const Task& task, const ArgSpec& arg) const;
  PolledTask polledTask(const Task& task) const;

  // Applies the release of a leased task's current attempt. Returns a Rejection (and changes
  // nothing) when the decision does not fit the graph: new tasks referring to unknown tasks or to
  // another process, ids already used, a worker creating tasks, a forwarding cycle.
  std::optional<Rejection> applyDecision(Task& task, const Decision& decision, std::int64_t now,
                                         Effects& effects);
  // Takes a lease back as if it was never handed out (its poll's answer was lost): Ready again
  // under the attempt before. Requires Leased. Changes no row by itself (readiness and young
  // leases are not written).
  void unlease(Task& task, std::int64_t now, Effects& effects);
  // Extends the lease of the current attempt (written: heartbeats are few, and a restart must
  // not cut a long task's lease short).
  void heartbeat(Task& task, std::int64_t now, Effects& effects);
  // A timer fired: a Scheduled task whose time came becomes Ready (a timer task completes); a
  // Leased task whose lease ran out fails its attempt; a Ready task whose schedule-to-start ran
  // out (unless its process is paused) fails for good with kTimeoutError. Anything else (stale timers, and
  // Listening tasks: the engine asks the store first, then calls timeOut) is ignored.
  void onDeadline(Task& task, std::int64_t now, Effects& effects);
  // A Listening event task got its event: it completes with the payload. Requires Listening.
  void deliverEvent(Task& task, std::shared_ptr<const Json> payload, std::int64_t now,
                    Effects& effects);
  // A Listening event task's wait ran out: it fails with kTimeoutError. Requires Listening.
  void timeOut(Task& task, std::int64_t now, Effects& effects);
  // Whether the server settles this task itself (an event or a timer task).
  static bool isSystemTask(const Task& task) {
    return task.type == TaskType::Event || task.type == TaskType::Timer;
  }

  // Gives every blocking failed task of a broken process a new attempt. Requires Broken.
  void restart(Process& process, std::int64_t now, Effects& effects);
  // Cancels every live task. Requires Running or Broken.
  void abort(Process& process, std::int64_t now, Effects& effects);
  // The process's deadline passed: it breaks with kTimeoutError (failedTaskId: the start task)
  // and every live task is cancelled. Requires Running.
  void passDeadline(Process& process, std::int64_t now, Effects& effects);
  // A Ready task's schedule-to-start starts now (its timer in effects.timed when it has one):
  // when it became ready, and when its paused process resumes.
  void startPickupClock(Task& task, std::int64_t now, Effects& effects);

  Task* findTask(const Uuid& id) const;
  Process* findProcess(const Uuid& id) const;
  Process* findByCustomId(const std::string& customId) const;
  Process* findByRequestId(const std::string& requestId) const;
  // Removes a process and its tasks from memory (the store keeps them): an ended one, a dormant
  // one, or one of a partition another node takes over.
  void evict(Process& process);

  const std::unordered_map<QueueKey, QueueCounts, QueueKeyHash>& queueCounts() const {
    return queueCounts_;
  }
  std::size_t processCount() const { return processes_.size(); }
  std::size_t taskCount() const { return tasks_.size(); }
  // An estimate of the memory the live processes take: kProcessMemoryBytes a process,
  // kTaskMemoryBytes a task, plus the bytes of each task's spec (and value, when loaded).
  std::int64_t memoryBytes() const { return memoryBytes_; }
  // What the memory budget charges the live processes: each the larger of what it takes and
  // what it is expected to grow to (set by expect()).
  std::int64_t chargedBytes() const { return chargedBytes_; }
  void expect(Process& process, std::int64_t bytes) {
    chargedBytes_ += std::max(process.memoryBytes, bytes) - charged(process);
    process.expectedBytes = bytes;
  }
  template <typename Visit>
  void forEachProcess(Visit&& visit) const {
    for (const auto& [id, process] : processes_) visit(*process);
  }

  // ---- recovery -------------------------------------------------------------------------
  // Adopts a process and its tasks as read from the store; call settleRestored() after every
  // process of a load was added.
  Process& restoreProcess(std::unique_ptr<Process> process);
  // storedBytes: the size of the task's row (spec and value) as read, for the memory estimate.
  Task& restoreTask(Process& process, std::unique_ptr<Task> task, std::size_t storedBytes = 0);
  // Links waiters and forwarders of restored processes and puts their live tasks where they
  // belong (queue, timers, expired leases fail their attempt).
  void settleRestored(std::int64_t now, Effects& effects);

  const std::string* intern(const std::string& text);
  // The interned text, nullptr when it is not (no new name); how many names are.
  const std::string* findName(const std::string& text) const {
    auto it = strings_.find(text);
    return it == strings_.end() ? nullptr : &*it;
  }
  bool knowsName(const std::string& text) const { return strings_.contains(text); }
  std::size_t nameCount() const { return strings_.size(); }
  std::shared_ptr<const RetryPolicy> internRetry(const std::optional<RetryPolicy>& policy);

 private:
  Task& createTask(Process& process, const TaskSpec& spec, const Uuid& parentId, std::int64_t now);
  std::optional<Rejection> checkNewTasks(const Process& process, const Task& creator,
                                         const std::vector<TaskSpec>& specs) const;
  void linkArguments(Task& task, Effects& effects);
  void linkArgument(Task& task, const ArgSpec& arg, Effects& effects);
  void countState(const Task& task, TaskState state, int delta);
  void setState(Task& task, TaskState state);
  void makeRunnable(Task& task, std::int64_t now, Effects& effects);
  void enterReady(Task& task, std::int64_t now, Effects& effects);
  // A task that failed and is not retried: its promise fails (or its process breaks).
  void failForGood(Task& task, const TaskError& error, std::int64_t now, Effects& effects);
  void leaveLiveState(Task& task, TaskState state, std::int64_t now, Effects& effects);
  void failAttempt(Task& task, const TaskError& error, bool leaseLost, std::int64_t now,
                   Effects& effects);
  void resolvePromise(Task& task, std::shared_ptr<const Json> value, std::int64_t now,
                      Effects& effects);
  void failPromise(Task& task, const TaskError& error, std::int64_t now, Effects& effects);
  void settleWaiter(Task& waiter, std::int64_t now, Effects& effects);
  void breakProcess(Process& process, Task& failed, const TaskError& error, Effects& effects);
  void checkCompletion(Process& process, std::int64_t now, Effects& effects);
  const Task* settledTarget(const Task& task) const;
  void charge(Process& process, std::int64_t bytes) {
    const std::int64_t before = charged(process);
    process.memoryBytes += bytes;
    memoryBytes_ += bytes;
    chargedBytes_ += charged(process) - before;
  }
  static std::int64_t charged(const Process& process) {
    return std::max(process.memoryBytes, process.expectedBytes);
  }

  int partitions_;
  std::int64_t defaultTimeoutMs_;
  std::unordered_map<Uuid, std::unique_ptr<Process>> processes_;
  IdTable<Task*> tasks_;
  std::unordered_map<std::string, Process*> customIds_;
  std::unordered_map<std::string, Process*> requestIds_;
  std::unordered_set<std::string> strings_;
  std::vector<std::shared_ptr<const RetryPolicy>> retryPolicies_;
  std::unordered_map<QueueKey, QueueCounts, QueueKeyHash> queueCounts_;
  std::uint64_t nextReadySeq_ = 1;
  std::vector<Process*> restored_;
  std::int64_t memoryBytes_ = 0;
  std::int64_t chargedBytes_ = 0;
};

}  // namespace pledge::server
