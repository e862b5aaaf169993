// The actors of the retrypolicy example: get(key, failures) fetches key from a service that is
// down for the first `failures` attempts, so the task succeeds on attempt failures + 1 — if the
// retry policy allows that many.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "retrypolicy.pledge.h"

namespace example::retrypolicy {

// The service did not answer: a later attempt may work.
class ServiceUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The key names nothing: no attempt can work (nonRetryable in the IDL).
class BadKey : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FlakyImpl final : public Flaky {
 public:
  // Counts the calls for key in this process. Throws ServiceUnavailable for the first `failures`
  // of them and BadKey for an empty key; otherwise returns "<key> fetched on attempt <n>".
  std::string fetch(std::string key, std::int32_t failures) override;
};

class FetcherImpl final : public Fetcher {
 public:
  // The start of a process: its result is the fetch's.
  pledge::Promise<std::string> get(std::string key, std::int32_t failures) override;

 private:
  FlakyClient flaky_;
};

}  // namespace example::retrypolicy
