#include "pledge/call_options.h"

#include <limits>

#include "pledge/limits.h"
#include "pledge/task_spec.h"

namespace pledge {

CallOptions CallOptions::over(const CallOptions& defaults) const {
  CallOptions merged = *this;
  if (!merged.startTime) merged.startTime = defaults.startTime;
  if (!merged.taskList) merged.taskList = defaults.taskList;
  if (!merged.priority) merged.priority = defaults.priority;
  if (!merged.timeoutMs) merged.timeoutMs = defaults.timeoutMs;
  if (!merged.scheduleToStartMs) merged.scheduleToStartMs = defaults.scheduleToStartMs;
  if (!merged.retry) merged.retry = defaults.retry;
  return merged;
}

bool CallOptions::empty() const {
  return !startTime && !taskList && !priority && !timeoutMs && !scheduleToStartMs && !retry;
}

void to_json(Json& out, const CallOptions& options) {
  out = Json::object();
  if (options.startTime) out["startTime"] = *options.startTime;
  if (options.taskList) out["taskList"] = *options.taskList;
  if (options.priority) out["priority"] = *options.priority;
  if (options.timeoutMs) out["timeoutMs"] = *options.timeoutMs;
  if (options.scheduleToStartMs) out["scheduleToStartMs"] = *options.scheduleToStartMs;
  if (options.retry) out["retry"] = *options.retry;
}

std::int64_t readDurationMs(const Json& value) {
  std::int64_t ms = readInt(value);
  if (ms <= 0 || (ms > limits::kMaxTimeoutMs && limits::enforced())) {
    throw JsonError(
        fmt::format("must be 1 to {} (30 days), got {}", limits::kMaxTimeoutMs, value.dump()));
  }
  return ms;
}

void from_json(const Json& in, CallOptions& options) {
  rejectUnknownFields(
      in, {"startTime", "taskList", "priority", "timeoutMs", "scheduleToStartMs", "retry"});
  CallOptions result;
  result.startTime = readOptionalField(in, "startTime", readEpochMs);
  result.taskList = readOptionalField(in, "taskList", readTaskList);
  result.priority = readOptionalField(in, "priority", [](const Json& value) {
    std::int64_t priority = readInt(value);
    if (priority < std::numeric_limits<int>::min() || priority > std::numeric_limits<int>::max()) {
      throw JsonError("must fit in 32 bits, got " + value.dump());
    }
    return static_cast<int>(priority);
  });
  result.timeoutMs = readOptionalField(in, "timeoutMs", readDurationMs);
  result.scheduleToStartMs = readOptionalField(in, "scheduleToStartMs", readDurationMs);
  result.retry = readOptionalField(in, "retry", [](const Json& value) {
    return value.get<RetryPolicy>();
  });
  options = std::move(result);
}

}  // namespace pledge
