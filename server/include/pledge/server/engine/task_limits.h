// TaskLimits: the limits on handing out tasks (docs/operations.md, "Limits") as this node
// applies them: for an actor (all its task lists) or one of its task lists, at most maxRunning
// tasks leased at once and a token bucket on hand-outs (perSecond, burst). A node of a cluster
// applies its share of each: ceil(maxRunning / nodes), perSecond / nodes and
// ceil(burst / nodes), since each node hands out only the tasks of its own partitions.
//
//   TaskLimits limits(graph);
//   limits.replace({TaskLimit{.actor = "Mailer#1", .maxRunning = 10}}, now);
//   int room = limits.room(QueueKey{actor, taskList}, 100, now);   // may hand out this many
//   limits.took(QueueKey{actor, taskList}, 3);
//
// Running counts are the graph's (tasks leased now), so a release, a lease expiry or a returned
// lease frees room by itself. Called under the engine's lock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pledge/server/engine/engine_types.h"
#include "pledge/server/engine/process_graph.h"
#include "pledge/server/store/store.h"

namespace pledge::server {

// Throws pledge::Error(BadRequest) naming the field of a limit that cannot be applied: a bad
// actor id, maxRunning below 1, perSecond not above 0, burst below 1 or without perSecond, or
// no bound at all.
void checkLimit(const TaskLimit& limit);

class TaskLimits {
 public:
  struct Bucket {
    TaskLimit limit;
    double tokens = 0;
    std::int64_t refilledAt = 0;
    // Set when the bucket ran out of tokens with tasks ready: the timer serves polls again at
    // the next token.
    bool starved = false;
    bool bound = false;  // it bound the last room() asked of it
    std::int64_t heldTotal = 0;
  };
  // The limits of one actor: of all its task lists, and of single ones.
  struct ActorLimits {
    std::optional<Bucket> all;
    std::map<std::string, Bucket, std::less<>> lists;
  };

  explicit TaskLimits(ProcessGraph& graph) : graph_(graph) {}

  // Replaces the limits; false when they were these already. Buckets of unchanged limits keep
  // their tokens.
  bool replace(const std::vector<TaskLimit>& limits, std::int64_t now);
  // How many nodes share each limit (1 alone on a store); false when it was this already.
  bool setNodes(int nodes);
  int nodes() const { return nodes_; }
  bool empty() const { return byActor_.empty(); }
  std::vector<TaskLimit> list() const;

  // The limits of an actor (interned name); nullptr when it has none. One lookup: what an
  // actor without limits costs a poll.
  ActorLimits* find(const std::string* actor);
  // How many tasks of the queue (of limits' actor) may be handed out now, at most want.
  std::int64_t room(ActorLimits& limits, const QueueKey& key, std::int64_t want,
                    std::int64_t now);
  // count tasks of the queue were handed out: they take their tokens.
  void took(ActorLimits& limits, const QueueKey& key, std::int64_t count);
  // A poll found ready tasks of the queue held back by what bound the last room(); answers
  // the limit that held them.
  const TaskLimit* noteHeld(ActorLimits& limits, const QueueKey& key);
  // The earliest time a bucket that held tasks back has a token again; nullopt when none waits.
  std::optional<std::int64_t> nextRefill() const;
  // Forgets which buckets wait for a token (their polls are served again).
  void refillDue(std::int64_t now);

  // The limit that binds the queue (its own task list's, else its actor's), nullopt when none.
  std::optional<LimitStats> stats(const QueueKey& key) const;
  // Every limit with what it counts now.
  std::vector<LimitStats> allStats() const;

 private:
  std::optional<std::int64_t> nodeMaxRunning(const TaskLimit& limit) const;
  double nodeRate(const TaskLimit& limit) const;
  double nodeBurst(const TaskLimit& limit) const;
  void refill(Bucket& bucket, std::int64_t now) const;
  std::int64_t running(const std::string* actor, const std::string* taskList) const;
  LimitStats statsOf(const Bucket& bucket, const std::string* actor) const;
  Bucket* bucketOf(const QueueKey& key, bool actorWide);
  static Bucket* bucketOf(ActorLimits& limits, const std::string& taskList, bool actorWide);

  ProcessGraph& graph_;
  // By interned actor name: one lookup per queue of a poll, and none while there are no limits.
  std::unordered_map<const std::string*, ActorLimits> byActor_;
  int nodes_ = 1;
};

}  // namespace pledge::server
