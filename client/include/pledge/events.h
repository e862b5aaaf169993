// Events and timers in a decider: wait for a signal from the outside world (an event sent to
// the server by name and correlation key, pledge::Event) or for time to pass. Both record
// tasks that the server settles itself; no runner ever polls them.
//
//   pledge::Promise<Payment> paid =
//       pledge::waitForEvent<Payment>("paid", orderId, {.timeoutMs = 3'600'000});
//   async().ship(orderId, paid);                  // runs when the payment arrives
//   async().remind(orderId, pledge::after(60'000));  // runs a minute from now
//
// A wait that times out fails with kTimeoutError ("pledge.Timeout", not retryable); a method
// whose parameter is marked acceptFail runs with that failure in hand and can branch on it.
// Code generated from an IDL whose decider declares `events:` calls waitForEvent through
// <Decider>Events (the decider's events()); waitForEvent is the entry for code without an IDL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/arg.h"
#include "pledge/arg_spec.h"
#include "pledge/promise.h"
#include "pledge/task_spec.h"
#include "pledge/uuid.h"

namespace pledge {

// How an event task waits. A plain value.
struct EventOptions {
  // How long the task waits once it is ready, in ms (1 to limits::kMaxTimeoutMs); then its
  // promise fails with kTimeoutError. Absent: it waits as long as its process lives.
  std::optional<std::int64_t> timeoutMs;
};

// A promise that resolves ms milliseconds after this call's decision is applied (a timer waits
// for nothing), with the time it fired (epoch ms): pass it to the call that must wait, e.g.
// reminders_.send(text, pledge::after(2 * 86'400'000)) with a `long` parameter. Throws
// pledge::Error when ms is outside [1, limits::kMaxTimeoutMs] or no decider task runs on this
// thread.
Promise<std::int64_t> after(std::int64_t ms);

// Which of several events came first, and its payload (firstEvent).
struct FirstEvent {
  std::string name;
  Json payload;

  bool operator==(const FirstEvent&) const = default;
};
void to_json(Json& out, const FirstEvent& event);
void from_json(const Json& in, FirstEvent& event);

namespace detail {

// Records an event task of the running decider waiting for the event name with key; returns
// its id. Throws pledge::Error for a name or key the server would refuse, a bad timeout, or no
// decider task running on this thread.
Uuid recordEventWait(std::string_view name, ArgSpec key, const EventOptions& options,
                     const std::vector<std::string>& moreNames = {});

}  // namespace detail

// A promise of the payload (read as T; void ignores it) of the first event named name whose
// correlation key is key (a string, or the promise of one: the wait starts once it resolves).
// An event sent before the wait began is kept by the server for a while and consumed by it.
// Throws as detail::recordEventWait does.
template <typename T>
Promise<T> waitForEvent(std::string_view name, Arg<std::string> key, EventOptions options = {}) {
  return Promise<T>::ofTask(detail::recordEventWait(name, std::move(key).spec(), options));
}

// A promise of the first of several events with this key to come (names: 1 to 16 of them):
// its name and payload; the others are then ignored by this wait. "Approved or rejected, within
// a day":
//   pledge::Promise<pledge::FirstEvent> verdict =
//       pledge::firstEvent({"approved", "rejected"}, expenseId, {.timeoutMs = 86'400'000});
Promise<FirstEvent> firstEvent(const std::vector<std::string>& names, Arg<std::string> key,
                               EventOptions options = {});

// The timers among recorded tasks (TaskType::Timer, made by after()), in call order; for
// decider unit tests: timersOf(recorder.tasks()).at(0)->options.timeoutMs is the delay.
std::vector<const TaskSpec*> timersOf(const std::vector<TaskSpec>& tasks);

}  // namespace pledge
