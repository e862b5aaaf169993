#include "pledge/polled_task.h"

namespace pledge {

ArgValue ArgValue::ofValue(Json value) {
  ArgValue arg;
  arg.kind = Kind::Value;
  arg.value = std::move(value);
  return arg;
}

ArgValue ArgValue::ofFailure(TaskError failure) {
  ArgValue arg;
  arg.kind = Kind::Failed;
  arg.failure = std::move(failure);
  return arg;
}

ArgValue ArgValue::ofPromise(Uuid taskId) {
  ArgValue arg;
  arg.kind = Kind::Promise;
  arg.promise = taskId;
  return arg;
}

ArgValue ArgValue::ofList(std::vector<ArgValue> items) {
  ArgValue arg;
  arg.kind = Kind::List;
  arg.list = std::move(items);
  return arg;
}

bool ArgValue::operator==(const ArgValue& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case Kind::Value: return value == other.value;
    case Kind::Failed: return failure == other.failure;
    case Kind::Promise: return promise == other.promise;
    case Kind::List: return list == other.list;
  }
  return false;
}

void to_json(Json& out, const ArgValue& arg) {
  switch (arg.kind) {
    case ArgValue::Kind::Value: out = Json{{"value", arg.value}}; break;
    case ArgValue::Kind::Failed: out = Json{{"failed", arg.failure}}; break;
    case ArgValue::Kind::Promise: out = Json{{"promise", arg.promise}}; break;
    case ArgValue::Kind::List: {
      Json items = Json::array();
      for (const ArgValue& item : arg.list) items.push_back(item);
      out = Json{{"list", std::move(items)}};
      break;
    }
  }
}

void from_json(const Json& in, ArgValue& arg) {
  rejectUnknownFields(in, {"value", "failed", "promise", "list"});
  if (in.size() != 1) throw JsonError("expected exactly one of value, failed, promise, list");
  if (in.contains("value")) {
    arg = ArgValue::ofValue(in["value"]);
  } else if (in.contains("failed")) {
    arg = ArgValue::ofFailure(atField("failed", [&] { return in["failed"].get<TaskError>(); }));
  } else if (in.contains("promise")) {
    arg = ArgValue::ofPromise(readField(in, "promise", readUuid));
  } else {
    arg = ArgValue::ofList(atField("list", [&] { return readArray<ArgValue>(in["list"]); }));
  }
}

void to_json(Json& out, const PolledTask& task) {
  Json args = Json::array();
  for (const ArgValue& arg : task.args) args.push_back(arg);
  out =
      Json{{"taskId", task.taskId},       {"processId", task.processId}, {"actor", task.actor},
           {"method", task.method},       {"type", task.type},           {"attempt", task.attempt},
           {"timeoutMs", task.timeoutMs}, {"args", std::move(args)}};
}

void from_json(const Json& in, PolledTask& task) {
  rejectUnknownFields(in, {"taskId", "processId", "actor", "method", "type", "attempt",
                           "timeoutMs", "args"});
  PolledTask result;
  result.taskId = readField(in, "taskId", readUuid);
  result.processId = readField(in, "processId", readUuid);
  result.actor = readField(in, "actor", readString);
  result.method = readField(in, "method", readString);
  result.type = readField(in, "type", [](const Json& value) { return value.get<TaskType>(); });
  result.attempt = static_cast<int>(readField(in, "attempt", readInt));
  result.timeoutMs = readOptionalField(in, "timeoutMs", readInt).value_or(result.timeoutMs);
  result.args = readField(in, "args", readArray<ArgValue>);
  task = std::move(result);
}

}  // namespace pledge
