// What the engine's API takes and gives besides the core types (polls and release results are
// core's, poll_request.h and release.h, one description for the server and the client): what
// the API shows of queues, actors and tasks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/error.h"
#include "pledge/poll_request.h"
#include "pledge/release.h"
#include "pledge/server/store/store.h"
#include "pledge/task_spec.h"
#include "pledge/uuid.h"

namespace pledge::server {

// Whether a caller may work for an actor ("MailService#1.0"); empty: for every actor.
using ActorFilter = std::function<bool(std::string_view actor)>;

// What the API shows of the limit that binds a queue.
struct LimitStats {
  TaskLimit limit;
  // This node's share: what it enforces.
  std::optional<std::int64_t> nodeMaxRunning;
  std::optional<double> nodePerSecond;
  // Tasks leased now that count against it (of every task list for an actor's limit).
  std::int64_t running = 0;
  // Polls that found ready tasks of it held back, since this node started.
  std::int64_t heldTotal = 0;
};

struct QueueStats {
  std::string actor;
  std::string taskList;
  std::int64_t ready = 0;
  std::int64_t running = 0;
  std::int64_t waiting = 0;
  // Age of the oldest ready task; nullopt when none is ready.
  std::optional<std::int64_t> oldestReadyMs;
  // The limit that binds the queue (its task list's, else its actor's), and how many of its
  // ready tasks that limit holds back now.
  std::optional<LimitStats> limit;
  std::int64_t held = 0;
};

struct PollerStats {
  std::string worker;
  std::int64_t lastPollAt = 0;
};

struct ActorStats {
  std::string actor;
  bool blocked = false;
  std::optional<std::int64_t> lastPollAt;
  // Workers that polled within the last minute.
  std::vector<PollerStats> pollers;
  std::int64_t ready = 0;
  std::int64_t running = 0;
  std::int64_t waiting = 0;
};

// A task as the API shows it: its spec, and its state as a row would store it.
struct TaskSnapshot {
  TaskSpec spec;
  TaskRow row;
};

// A stored task as the API shows it (a task not in memory: an ended process's, or one retention
// archives); defaultTimeoutMs is the lease of tasks that set none. Throws JsonError for a stored
// spec that is not a TaskSpec.
TaskSnapshot storedTaskSnapshot(TaskRow row, std::int64_t defaultTimeoutMs);

}  // namespace pledge::server
