// The actors of the delayed example: remindAt(text, at) sends a reminder at `at` (epoch ms; a
// time already past means now); its result is the time the reminder was sent.
#pragma once

#include <cstdint>
#include <string>

#include "delayed.pledge.h"

namespace example::delayed {

class RemindersImpl final : public Reminders {
 public:
  // The time of sending: epoch ms by this machine's clock.
  std::int64_t send(std::string text) override;
};

class SchedulerImpl final : public Scheduler {
 public:
  // The start of a process: records the reminder with start time `at`.
  pledge::Promise<std::int64_t> remindAt(std::string text, std::int64_t at) override;

 private:
  RemindersClient reminders_;
};

}  // namespace example::delayed
