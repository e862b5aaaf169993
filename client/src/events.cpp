#include "pledge/events.h"

#include "pledge/detail/generated_support.h"
#include "pledge/error.h"
#include "pledge/event.h"
#include "pledge/limits.h"
#include "pledge/task_recorder.h"

namespace pledge {
namespace {

// The method of every timer task; the server reads only its timeoutMs.
constexpr std::string_view kTimerMethod = "after";

// The running decider's actor: event and timer tasks are its own (the server settles them).
// recordCall would say the same, but only once it knows an actor to name.
const std::string& runningDecider(std::string_view what) {
  const TaskRecorder* recorder = currentRecorder();
  PLEDGE_REQUIRE(recorder != nullptr,
                 "{} was called outside a decider task: only a decider method waits for events "
                 "and timers (send an event with RestClient::sendEvent or pledge event send)",
                 what);
  return recorder->deciderActor();
}

CallOptions withTimeout(std::int64_t ms) {
  CallOptions options;
  options.timeoutMs = ms;
  return options;
}

}  // namespace

Promise<void> after(std::int64_t ms) {
  // Checked here, where the call is, rather than when the server refuses the whole decision.
  PLEDGE_REQUIRE(ms >= 0 && ms <= limits::kMaxTimeoutMs,
                 "pledge::after({}): the delay must be 0 to {} ms (30 days)", ms,
                 limits::kMaxTimeoutMs);
  const std::string& actor = runningDecider("pledge::after");
  return Promise<void>::ofTask(
      detail::recordCall(actor, kTimerMethod, TaskType::Timer, {}, withTimeout(ms)));
}

namespace detail {

Uuid recordEventWait(std::string_view name, ArgSpec key, const EventOptions& options) {
  const std::string& actor = runningDecider(fmt::format("waiting for event \"{}\"", name));
  const std::optional<std::string> badName = checkMethodName(name);
  PLEDGE_REQUIRE(!badName, "event name \"{}\": {}", name, *badName);
  // A promised key is checked by the server once it resolves.
  if (key.kind == ArgSpec::Kind::Value) {
    PLEDGE_REQUIRE(key.value.is_string(), "event \"{}\": the key must be a string, got {}", name,
                   key.value.dump());
    const std::optional<std::string> badKey = checkEventKey(key.value.get<std::string>());
    PLEDGE_REQUIRE(!badKey, "event \"{}\": key: {}", name, *badKey);
  }
  CallOptions callOptions;
  if (options.timeoutMs) {
    PLEDGE_REQUIRE(*options.timeoutMs >= 1 && *options.timeoutMs <= limits::kMaxTimeoutMs,
                   "event \"{}\": timeoutMs must be 1 to {} (30 days), got {}", name,
                   limits::kMaxTimeoutMs, *options.timeoutMs);
    callOptions = withTimeout(*options.timeoutMs);
  }
  return recordCall(actor, name, TaskType::Event, argList(std::move(key)), std::move(callOptions));
}

}  // namespace detail

std::vector<const TaskSpec*> timersOf(const std::vector<TaskSpec>& tasks) {
  std::vector<const TaskSpec*> timers;
  for (const TaskSpec& task : tasks) {
    if (task.type == TaskType::Timer) timers.push_back(&task);
  }
  return timers;
}

}  // namespace pledge
