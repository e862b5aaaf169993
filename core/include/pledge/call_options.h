// CallOptions: per-call scheduling options of a task, set with a proxy's with():
//
//   mail_.with({.startTime = nowMs() + 60'000, .priority = 5}).send(email, text);
//
// Unset fields fall back to the IDL method's defaults, then to the server's.
// Wire form (the "options" of a TaskSpec):
//   {"startTime"?,"taskList"?,"priority"?,"timeoutMs"?,"scheduleToStartMs"?,"retry"?}
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pledge/json.h"
#include "pledge/retry_policy.h"

namespace pledge {

// A plain value; copyable, compared by value.
struct CallOptions {
  // Epoch milliseconds before which the task is not handed out.
  std::optional<std::int64_t> startTime;
  // Queue sub-name: the task goes to (actor, taskList); "" is the default list.
  std::optional<std::string> taskList;
  // Higher runs first among ready tasks of one queue; default 0.
  std::optional<int> priority;
  // Lease of one attempt; a worker that neither releases nor heartbeats in time loses it.
  std::optional<std::int64_t> timeoutMs;
  // Schedule-to-start: a task that becomes ready and is not handed out within this many ms
  // fails with kTimeoutError (not retried: a retry would only queue it again).
  std::optional<std::int64_t> scheduleToStartMs;
  std::optional<RetryPolicy> retry;

  // These options with every unset field taken from defaults.
  CallOptions over(const CallOptions& defaults) const;
  bool empty() const;

  bool operator==(const CallOptions&) const = default;
};

// A duration in ms as the options take it (timeoutMs, scheduleToStartMs, a process's
// deadlineMs): 1 to limits::kMaxTimeoutMs. Throws JsonError saying what is wrong.
std::int64_t readDurationMs(const Json& value);

void to_json(Json& out, const CallOptions& options);
void from_json(const Json& in, CallOptions& options);

}  // namespace pledge
