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

Promise<std::int64_t> after(std::int64_t ms) {
  // Checked here, where the call is, rather than when the server refuses the whole decision.
  PLEDGE_REQUIRE(ms >= 1 && ms <= limits::kMaxTimeoutMs,
                 "pledge::after({}): the delay must be 1 to {} ms (30 days)", ms,
                 limits::kMaxTimeoutMs);
  const std::string& actor = runningDecider("pledge::after");
  return Promise<std::int64_t>::ofTask(
      detail::recordCall(actor, kTimerMethod, TaskType::Timer, {}, withTimeout(ms)));
}

namespace detail {

Uuid recordEventWait(std::string_view name, ArgSpec key, const EventOptions& options,
                     const std::vector<std::string>& moreNames) {
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
  std::vector<ArgSpec> args = argList(std::move(key));
  if (!moreNames.empty()) {
    Json names = Json::array();
    for (const std::string& more : moreNames) {
      const std::optional<std::string> bad = checkMethodName(more);
      PLEDGE_REQUIRE(!bad, "event name \"{}\": {}", more, *bad);
      names.push_back(more);
    }
    args.push_back(ArgSpec::ofValue(std::move(names)));
  }
  return recordCall(actor, name, TaskType::Event, std::move(args), std::move(callOptions));
}

}  // namespace detail

void to_json(Json& out, const FirstEvent& event) {
  out = Json{{"name", event.name}, {"payload", event.payload}};
}

void from_json(const Json& in, FirstEvent& event) {
  event.name = readField(in, "name", readString);
  event.payload = in.contains("payload") ? in.at("payload") : Json();
}

Promise<FirstEvent> firstEvent(const std::vector<std::string>& names, Arg<std::string> key,
                               EventOptions options) {
  PLEDGE_REQUIRE(!names.empty() && names.size() <= 16,
                 "pledge::firstEvent: wait for 1 to 16 events, got {}", names.size());
  const std::vector<std::string> more(names.begin() + 1, names.end());
  return Promise<FirstEvent>::ofTask(
      detail::recordEventWait(names.front(), std::move(key).spec(), options, more));
}

std::vector<const TaskSpec*> timersOf(const std::vector<TaskSpec>& tasks) {
  std::vector<const TaskSpec*> timers;
  for (const TaskSpec& task : tasks) {
    if (task.type == TaskType::Timer) timers.push_back(&task);
  }
  return timers;
}

}  // namespace pledge
