// The states a task goes through, as the engine keeps them and the store writes them (as their
// numbers: the values are part of the schema; add new ones at the end). A task's promise state
// is core's PromiseState.
#pragma once

#include <cstdint>
#include <string_view>

#include "pledge/promise.h"

namespace pledge::server {

enum class TaskState : std::uint8_t {
  Waiting,    // an awaited promise is pending
  Scheduled,  // waits for its start time (a delayed start or a retry)
  Ready,      // queued for its actor
  Leased,     // handed out; waits for release, heartbeat or lease expiry
  Completed,  // released with a value or a promise (forwarding)
  Failed,     // failed for good
  Cancelled,  // its process was aborted
  Listening,  // an event task whose key is known, waiting for its event (docs/events.md)
};

std::string_view taskStateName(TaskState state);
std::string_view promiseStateName(PromiseState state);
// Waiting, Scheduled, Ready or Leased.
bool isLive(TaskState state);

}  // namespace pledge::server
