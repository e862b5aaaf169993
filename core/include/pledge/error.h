// Errors inside a Pledge process, and the codes that cross process boundaries.
//
// Bad input from a caller is reported with PLEDGE_REQUIRE, our own bugs with PLEDGE_ASSERT; both
// throw pledge::Error, which is caught at exactly one place per boundary (REST handler wrapper,
// task dispatch loop, main). Across processes an Error travels as the JSON error object
// {"error":{"code":"bad_request","message":"..."}} with the HTTP status of its code.
//
//   PLEDGE_REQUIRE(limit > 0, "limit must be positive, got {}", limit);
//   throw pledge::Error(pledge::ErrorCode::NotFound, "no process " + id);
#pragma once

#include <fmt/format.h>

#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace pledge {

// Every error code of the REST API. The table in error.cpp maps each to its HTTP status and its
// wire name; keep them together.
enum class ErrorCode {
  BadRequest,       // malformed JSON, wrong types, values out of range (400)
  Unauthenticated,  // no token, or one the server does not know (401)
  Forbidden,        // the token's role may not do this, or not for this actor (403)
  NotFound,         // unknown id, actor or route (404)
  MethodNotAllowed, // known route, wrong HTTP method (405)
  Conflict,         // stale attempt, state does not allow the operation (409)
  Cancelled,        // the task was cancelled (process aborted or past its deadline): stop (409)
  PayloadTooLarge,  // request body over the configured limit (413)
  LimitExceeded,    // a server-wide limit is reached: parked polls, queues, connections (429)
  Unavailable,      // the node is stopping or does not own the partition (503)
  Internal,         // a bug on our side (500)
};

// The wire name of a code, e.g. "bad_request".
std::string_view errorCodeName(ErrorCode code);
// The HTTP status a code is answered with.
int httpStatus(ErrorCode code);
// The code for a wire name; BadRequest's inverse. Unknown names give Internal.
ErrorCode errorCodeFromName(std::string_view name);
// Every code, in the table's order.
std::vector<ErrorCode> allErrorCodes();

// An error with a code and a human-readable message. Copyable value; thread-compatible.
class Error : public std::exception {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const char* what() const noexcept override { return message_.c_str(); }

 protected:
  void setMessage(std::string message) { message_ = std::move(message); }

 private:
  ErrorCode code_;
  std::string message_;
};

namespace detail {
[[noreturn]] void throwRequireFailed(std::string message);
[[noreturn]] void throwAssertFailed(const char* file, int line, const char* condition,
                                    std::string message);
}  // namespace detail

}  // namespace pledge

// Checks input from a caller; throws pledge::Error(BadRequest) with the formatted message.
#define PLEDGE_REQUIRE(condition, ...)                                        \
  do {                                                                        \
    if (!(condition)) ::pledge::detail::throwRequireFailed(fmt::format(__VA_ARGS__)); \
  } while (false)

// Checks our own invariants; throws pledge::Error(Internal) naming the file, line and condition.
#define PLEDGE_ASSERT(condition, ...)                                                   \
  do {                                                                                  \
    if (!(condition))                                                                   \
      ::pledge::detail::throwAssertFailed(__FILE__, __LINE__, #condition,               \
                                          fmt::format(__VA_ARGS__));                    \
  } while (false)
