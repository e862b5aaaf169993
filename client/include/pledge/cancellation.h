// Cancellation of the task a worker (or decider) method runs for. When its process is aborted
// or passes its deadline, the server answers the task's next heartbeat "cancelled"; the runner
// (ActorRunner, pledge-bootstrap) then requests a stop of the task's stop token, and the method
// can notice it and return early (what it returns is dropped: the task has ended).
//
//   std::int64_t copy(std::string from, std::string to) override {
//     std::int64_t copied = 0;
//     while (copied < size && !pledge::cancelled()) copied += copyChunk(from, to, copied);
//     return copied;
//   }
//
// The runner heartbeats a task once half its lease (timeoutMs) has passed since the last one, so
// a cancellation reaches the method within about half a lease.
#pragma once

#include <stop_token>

namespace pledge {

// True once the task the calling thread runs for was cancelled; false outside a task.
bool cancelled();
// The stop token of the task the calling thread runs for (e.g. for a std::stop_callback, or to
// hand to a std::jthread); outside a task one that never stops.
std::stop_token stopToken();

namespace detail {

// Makes token the calling thread's current task token until destroyed (the runner sets it around
// each task it runs). Thread-confined; not copyable.
class CurrentTaskScope {
 public:
  explicit CurrentTaskScope(std::stop_token token);
  ~CurrentTaskScope();
  CurrentTaskScope(const CurrentTaskScope&) = delete;
  CurrentTaskScope& operator=(const CurrentTaskScope&) = delete;

 private:
  std::stop_token previous_;
};

}  // namespace detail
}  // namespace pledge
