#include "delayed_actors.h"

#include <chrono>

namespace example::delayed {

std::int64_t RemindersImpl::send(std::string) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

pledge::Promise<std::int64_t> SchedulerImpl::remindAt(std::string text, std::int64_t at) {
  // The time comes in as an argument, so the decision is the same however late or often this
  // task runs. A time already past means now.
  return reminders_.with({.startTime = at}).send(text);
}

}  // namespace example::delayed
