// ArgSpec: one argument of a TaskSpec as a decider recorded it: a plain value, the promise of
// another task, or a list of arguments (a list<T> parameter holding promises waits for all).
//
//   ArgSpec::ofValue(42)                 -> {"value":42}
//   ArgSpec::ofPromise(profileTaskId)    -> {"promise":"<uuid>"}
//   ArgSpec::ofPromise(sendTaskId, {.acceptFail = AcceptFail::any()})
//                                        -> {"promise":"<uuid>","acceptFail":true}
//   ArgSpec::ofList({ArgSpec::ofPromise(a), ArgSpec::ofPromise(b)})
//                                        -> {"list":[{"promise":..},{"promise":..}]}
#pragma once

#include <string>
#include <vector>

#include "pledge/json.h"
#include "pledge/task_error.h"
#include "pledge/uuid.h"

namespace pledge {

// Which failures of a promised argument the receiving task accepts instead of breaking the
// process: none (default), any, or those of the listed error types.
// Wire form: absent/false, true, or ["TypeA","TypeB"].
struct AcceptFail {
  bool anyType = false;
  std::vector<std::string> types;

  static AcceptFail any() { return AcceptFail{.anyType = true, .types = {}}; }
  static AcceptFail ofTypes(std::vector<std::string> types) {
    return AcceptFail{.anyType = false, .types = std::move(types)};
  }

  bool enabled() const { return anyType || !types.empty(); }
  bool accepts(const TaskError& error) const;

  bool operator==(const AcceptFail&) const = default;
};

// Flags of a promise argument, set by the generated proxy from the IDL parameter.
struct PromiseFlags {
  // The task does not wait for this promise; it receives it as it is when the task runs.
  bool noWait = false;
  AcceptFail acceptFail;
};

// A plain value; copyable, compared by value.
struct ArgSpec {
  enum class Kind { Value, Promise, List };

  Kind kind = Kind::Value;
  Json value;                  // Kind::Value
  Uuid promise;                // Kind::Promise: the task whose result is the argument
  PromiseFlags flags;          // Kind::Promise
  std::vector<ArgSpec> list;   // Kind::List

  static ArgSpec ofValue(Json value);
  static ArgSpec ofPromise(Uuid taskId, PromiseFlags flags = {});
  static ArgSpec ofList(std::vector<ArgSpec> items);

  bool operator==(const ArgSpec& other) const;
};

void to_json(Json& out, const AcceptFail& acceptFail);
void from_json(const Json& in, AcceptFail& acceptFail);
void to_json(Json& out, const ArgSpec& arg);
// Strict: exactly one of value, promise, list; flags only with promise.
void from_json(const Json& in, ArgSpec& arg);

}  // namespace pledge
