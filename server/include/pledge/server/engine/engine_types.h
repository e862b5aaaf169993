// What the engine's API takes and gives besides the core types: polls, release results, and
// what the API shows of queues, actors and tasks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/error.h"
#include "pledge/server/store/store.h"
#include "pledge/task_spec.h"
#include "pledge/uuid.h"

namespace pledge::server {

// Whether a caller may work for an actor ("MailService#1.0"); empty: for every actor.
using ActorFilter = std::function<bool(std::string_view actor)>;

struct QueueRef {
  std::string actor;
  std::string taskList;
};

struct PollRequest {
  std::string worker;
  std::vector<QueueRef> queues;
  int max = 1;
  std::int64_t waitMs = 0;
};

enum class ReleaseStatus { Accepted, Duplicate, Rejected };

struct ReleaseResult {
  Uuid taskId;
  ReleaseStatus status = ReleaseStatus::Accepted;
  std::optional<Error> error;
};

struct QueueStats {
  std::string actor;
  std::string taskList;
  std::int64_t ready = 0;
  std::int64_t running = 0;
  std::int64_t waiting = 0;
  // Age of the oldest ready task; nullopt when none is ready.
  std::optional<std::int64_t> oldestReadyMs;
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

}  // namespace pledge::server
