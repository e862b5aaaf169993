// PolledTask: a task as a poll hands it out, with every awaited promise argument replaced by what
// it resolved to. ArgValue is one such argument:
//   {"value":J}                         a plain or resolved argument
//   {"failed":{"type","message"}}       a failed promise the parameter accepts (acceptFail)
//   {"promise":"<uuid>"}                a noWait promise still pending
//   {"list":[ArgValue...]}              a list argument
//
// Wire form:
//   {"taskId","processId","actor","method","type","attempt","timeoutMs","args":[ArgValue...]}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pledge/json.h"
#include "pledge/task_error.h"
#include "pledge/task_spec.h"
#include "pledge/uuid.h"

namespace pledge {

// A plain value; copyable, compared by value.
struct ArgValue {
  enum class Kind { Value, Failed, Promise, List };

  Kind kind = Kind::Value;
  Json value;                  // Kind::Value
  TaskError failure;           // Kind::Failed
  Uuid promise;                // Kind::Promise
  std::vector<ArgValue> list;  // Kind::List

  static ArgValue ofValue(Json value);
  static ArgValue ofFailure(TaskError failure);
  static ArgValue ofPromise(Uuid taskId);
  static ArgValue ofList(std::vector<ArgValue> items);

  bool operator==(const ArgValue& other) const;
};

// A plain value; copyable, compared by value.
struct PolledTask {
  Uuid taskId;
  Uuid processId;
  std::string actor;
  std::string method;
  TaskType type = TaskType::Worker;
  // 1 for the first attempt; a release must name it.
  int attempt = 1;
  // The lease: release or heartbeat within this many milliseconds.
  std::int64_t timeoutMs = 60'000;
  std::vector<ArgValue> args;

  bool operator==(const PolledTask&) const = default;
};

void to_json(Json& out, const ArgValue& arg);
void from_json(const Json& in, ArgValue& arg);
void to_json(Json& out, const PolledTask& task);
void from_json(const Json& in, PolledTask& task);

}  // namespace pledge
