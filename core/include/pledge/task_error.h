// TaskError: why a task failed. Worker and decider code throws it to state the error type and
// whether a retry can help; any other exception becomes a TaskError named after its type.
// The engine retries by the task's RetryPolicy, fails the task's promise, or marks the process
// broken; a decider sees it through a Promise<T> parameter marked acceptFail.
//
//   if (!account.exists) throw pledge::TaskError("AccountClosed", "account 42 is closed",
//                                                /*retryable=*/false);
//
// Wire form: {"type":"AccountClosed","message":"account 42 is closed","retryable":false}
// ("retryable" is written only when false and defaults to true when read).
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/json.h"

namespace pledge {

// Copyable value and exception; thread-compatible.
class TaskError : public std::exception {
 public:
  TaskError() = default;
  TaskError(std::string type, std::string message, bool retryable = true)
      : type_(std::move(type)), message_(std::move(message)), retryable_(retryable) {}

  // The error's type name: the thrown exception's C++ type name, or what TaskError states.
  const std::string& type() const { return type_; }
  const std::string& message() const { return message_; }
  // False when retrying cannot help; the retry policy is then not consulted.
  bool retryable() const { return retryable_; }
  const char* what() const noexcept override { return message_.c_str(); }

  friend bool operator==(const TaskError& a, const TaskError& b) {
    return a.type_ == b.type_ && a.message_ == b.message_ && a.retryable_ == b.retryable_;
  }

 private:
  std::string type_;
  std::string message_;
  bool retryable_ = true;
};

// Error types the engine itself reports.
inline constexpr const char* kLeaseExpiredError = "pledge.LeaseExpired";
inline constexpr const char* kAbortedError = "pledge.Aborted";
// An event task's wait ran out before a matching event came (not retryable).
inline constexpr const char* kTimeoutError = "pledge.Timeout";

// What the decoders accept (limits.h): a type is a name (checkName in text.h), a message at
// most kMaxErrorMessageBytes. The message says what is wrong; nullopt when it is fine.
std::optional<std::string> checkErrorType(std::string_view type);
std::optional<std::string> checkErrorMessage(std::string_view message);
std::string readErrorType(const Json& value);
// A list of error types (a retry policy's nonRetryable, an acceptFail list).
std::vector<std::string> readErrorTypes(const Json& value);

// error made to fit the limits: a type that is no name is replaced by a cleaned copy cut to the
// limit, a long message is cut (at a character boundary) and says so. The runtimes send what
// they catch through it, so a worker's odd exception still becomes a failed attempt.
TaskError fitToLimits(const TaskError& error);

void to_json(Json& out, const TaskError& error);
void from_json(const Json& in, TaskError& error);

}  // namespace pledge
