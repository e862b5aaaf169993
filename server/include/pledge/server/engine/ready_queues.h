// ReadyQueues: the tasks that may be handed out, by queue (actor and task list), highest
// priority first, then oldest; the polls parked until one is; the blocked actors (whose tasks
// stay queued); and what the engine remembers of each actor's pollers. A queue links the tasks
// themselves (Task::readyLink): a task that moves on or leaves memory leaves its queue at once,
// so nothing is looked up by id. Tasks enter only once the batch that made them ready is durable
// (nothing is handed out that the store does not hold).
//
// Called under the engine's lock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "pledge/polled_task.h"
#include "pledge/server/engine/engine_types.h"
#include "pledge/server/engine/process_graph.h"
#include "pledge/server/engine/task_link.h"

namespace pledge::server {

class PartitionOwnership;

class ReadyQueues {
 public:
  struct Queue {
    const std::string* actor = nullptr;
    const std::string* taskList = nullptr;
    // Its tasks by priority, highest first; each list in ready order (Task::readySeq), oldest
    // first. A task leaves when it is handed out, moves on (ProcessGraph::setState) or leaves
    // memory, so every task listed is Ready; a list left empty is dropped when popReady meets it.
    std::map<int, TaskLink, std::greater<>> byPriority;
  };

  struct ParkedPoll {
    std::vector<Queue*> queues;
    int max = 1;
    std::function<void(std::vector<PolledTask>)> done;
    bool answered = false;
    // Every queue is of the server's own actors (isServerActor): the server's workflow runner.
    bool server = false;
  };
  // Leases up to max tasks of the queues into out (the engine's part: leases and metrics).
  using Take = std::function<void(const std::vector<Queue*>& queues, int max,
                                  std::vector<PolledTask>& out)>;

  ReadyQueues(ProcessGraph& graph, const PartitionOwnership& ownership)
      : graph_(graph), ownership_(ownership) {}

  Queue& queueFor(const std::string* actor, const std::string* taskList);
  // The queue of the names (interned on the way).
  Queue& find(const std::string& actor, const std::string& taskList);
  // Queues a task made Ready by a durable batch (in place if it is queued already).
  void push(Task& task);
  // The next task of the queue in a partition served now (those of others leave the queue, and
  // those of paused processes wait in Process::held); nullptr when none is.
  Task* popReady(Queue& queue);
  std::size_t size() const { return queues_.size(); }
  // Queues of the server's own actors (isServerActor) among them.
  std::size_t serverQueues() const { return serverQueues_; }
  bool contains(const QueueKey& key) const { return queues_.contains(key); }
  // Empties every queue (their tasks left memory).
  void clear();

  bool blocked(const std::string& actor) const { return blocked_.contains(actor); }
  void setBlocked(const std::string& actor, bool blocked);
  // Replaces the blocked actors; false when they were these already.
  bool replaceBlocked(std::set<std::string, std::less<>> actors);

  // ---- parked polls ---------------------------------------------------------------------
  std::shared_ptr<ParkedPoll> park(std::vector<Queue*> queues, int max,
                                   std::function<void(std::vector<PolledTask>)> done);
  // Forgets a parked poll (answered by its caller).
  void unpark(const std::shared_ptr<ParkedPoll>& parked) { std::erase(parked_, parked); }
  std::size_t parkedCount() const { return parked_.size(); }
  // The parked polls of clients: all but the server's own (counted when asked).
  std::size_t clientParkedCount() const;
  // Gives queued tasks to parked polls, oldest first; their answers join answers.
  void serveParked(const Take& take, std::vector<std::function<void()>>& answers);
  // Answers every parked poll with no tasks (the engine stops).
  void answerParked(std::vector<std::function<void()>>& answers);

  // ---- what the API shows ---------------------------------------------------------------
  void notePoll(const PollRequest& request, std::int64_t now);
  std::vector<QueueStats> stats(std::int64_t now);
  std::vector<ActorStats> actorStats(const std::vector<QueueStats>& queues, std::int64_t now) const;

 private:
  struct ActorRecord {
    std::optional<std::int64_t> lastPollAt;
    std::map<std::string, std::int64_t> pollers;
  };

  ProcessGraph& graph_;
  const PartitionOwnership& ownership_;
  std::unordered_map<QueueKey, std::unique_ptr<Queue>, QueueKeyHash> queues_;
  std::set<std::string, std::less<>> blocked_;
  std::map<std::string, ActorRecord, std::less<>> actors_;
  std::vector<std::shared_ptr<ParkedPoll>> parked_;
  std::size_t serverQueues_ = 0;
};

}  // namespace pledge::server
