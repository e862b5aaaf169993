// remindAt(text, at): the reminder task is scheduled at `at` (epoch ms); the server hands it out
// no earlier. The result is when it was sent.
#pragma once

#include <chrono>
#include <string>

#include "delayed.pledge.h"

namespace example::delayed {

class RemindersImpl final : public Reminders {
 public:
  std::int64_t send(std::string) override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class SchedulerImpl final : public Scheduler {
 public:
  pledge::Promise<std::int64_t> remindAt(std::string text, std::int64_t at) override {
    return reminders_.with({.startTime = at}).send(text);
  }

 private:
  RemindersClient reminders_;
};

}  // namespace example::delayed
