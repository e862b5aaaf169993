#include "retrypolicy_actors.h"

#include <map>
#include <mutex>

namespace example::retrypolicy {
namespace {

// The number of this call for key. Every runtime thread owns a FlakyImpl of its own and any of
// them may get the next attempt of a task, so the count lives in the process, behind a mutex.
int nextCall(const std::string& key) {
  static std::mutex mutex;
  static std::map<std::string, int> calls;
  std::lock_guard lock(mutex);
  return ++calls[key];
}

}  // namespace

std::string FlakyImpl::fetch(std::string key, std::int32_t failures) {
  if (key.empty()) throw BadKey("an empty key names nothing");
  const int attempt = nextCall(key);
  if (attempt <= failures) {
    throw ServiceUnavailable("the service was down for attempt " + std::to_string(attempt));
  }
  return key + " fetched on attempt " + std::to_string(attempt);
}

pledge::Promise<std::string> FetcherImpl::get(std::string key, std::int32_t failures) {
  // The retry policy comes from the IDL; flaky_.with({.retry = ...}) would override it per call.
  return flaky_.fetch(key, failures);
}

}  // namespace example::retrypolicy
