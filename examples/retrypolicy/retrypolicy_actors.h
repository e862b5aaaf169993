// fetch(key, failures) fails `failures` times for a key, then succeeds: the retry policy of the
// IDL reschedules each failed attempt (50, 100, 200, 400 ms), up to 6 attempts.
#pragma once

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "retrypolicy.pledge.h"

namespace example::retrypolicy {

// A failure that a retry may cure.
class ServiceUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FlakyImpl final : public Flaky {
 public:
  std::string fetch(std::string key, std::int32_t failures) override {
    const int attempt = nextAttempt(key);
    if (attempt <= failures) {
      throw ServiceUnavailable("attempt " + std::to_string(attempt) + " for " + key + " found the service down");
    }
    return key + " fetched on attempt " + std::to_string(attempt);
  }

 private:
  // Counts attempts per key across the pool threads of this worker process.
  static int nextAttempt(const std::string& key) {
    static std::mutex mutex;
    static std::map<std::string, int> attempts;
    std::lock_guard lock(mutex);
    return ++attempts[key];
  }
};

class FetcherImpl final : public Fetcher {
 public:
  pledge::Promise<std::string> get(std::string key, std::int32_t failures) override {
    return flaky_.fetch(key, failures);
  }

 private:
  FlakyClient flaky_;
};

}  // namespace example::retrypolicy
