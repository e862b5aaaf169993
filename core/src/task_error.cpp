#include "pledge/task_error.h"

namespace pledge {

void to_json(Json& out, const TaskError& error) {
  out = Json{{"type", error.type()}, {"message", error.message()}};
  if (!error.retryable()) out["retryable"] = false;
}

void from_json(const Json& in, TaskError& error) {
  rejectUnknownFields(in, {"type", "message", "retryable"});
  std::string type = readField(in, "type", readString);
  if (type.empty()) throw JsonError("type: must not be empty");
  std::string message = readOptionalField(in, "message", readString).value_or("");
  bool retryable = readOptionalField(in, "retryable", readBool).value_or(true);
  error = TaskError(std::move(type), std::move(message), retryable);
}

}  // namespace pledge
