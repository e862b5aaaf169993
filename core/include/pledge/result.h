// Result<T>: a value, or the Error that prevented it — for answers that arrive through callbacks
// or per item of a batch, where an exception cannot carry them.
//
//   Result<StartedProcess> started = Error(ErrorCode::Unavailable, "stopping");
//   if (!started.ok()) log(started.error().message());
#pragma once

#include <optional>
#include <utility>

#include "pledge/error.h"

namespace pledge {

// A value; copyable when T is.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  // Require ok().
  const T& value() const { return *value_; }
  T& value() { return *value_; }
  // Requires !ok().
  const Error& error() const { return *error_; }

 private:
  std::optional<T> value_;
  std::optional<Error> error_;
};

}  // namespace pledge
