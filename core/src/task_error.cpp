#include "pledge/task_error.h"

#include "pledge/limits.h"
#include "pledge/text.h"

namespace pledge {

void to_json(Json& out, const TaskError& error) {
  out = Json{{"type", error.type()}, {"message", error.message()}};
  if (!error.retryable()) out["retryable"] = false;
}

std::optional<std::string> checkErrorType(std::string_view type) {
  if (!limits::enforced()) {
    return type.empty() ? std::optional<std::string>("must not be empty") : std::nullopt;
  }
  return checkName(type, limits::kMaxNameBytes);
}

std::optional<std::string> checkErrorMessage(std::string_view message) {
  if (message.size() <= limits::kMaxErrorMessageBytes || !limits::enforced()) return std::nullopt;
  return fmt::format("must be at most {} bytes long, got {} bytes", limits::kMaxErrorMessageBytes,
                     message.size());
}

std::string readErrorType(const Json& value) {
  std::string type = readString(value);
  if (auto problem = checkErrorType(type)) throw JsonError(*problem);
  return type;
}

std::vector<std::string> readErrorTypes(const Json& value) {
  requireArrayOfAtMost(value, limits::kMaxErrorTypes);
  std::vector<std::string> types;
  for (std::size_t i = 0; i < value.size(); ++i) {
    types.push_back(atIndex(i, [&] { return readErrorType(value[i]); }));
  }
  return types;
}

TaskError fitToLimits(const TaskError& error) {
  if (!checkErrorType(error.type()) && !checkErrorMessage(error.message())) return error;
  std::string type;
  if (checkErrorType(error.type())) {
    for (char c : toValidUtf8(error.type())) {
      type.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c);
    }
    type = std::string(truncateUtf8(type, limits::kMaxNameBytes));
    if (type.empty()) type = "Error";
  } else {
    type = error.type();
  }
  std::string message = error.message();
  if (checkErrorMessage(message)) {
    const std::string note = fmt::format(" ... (cut from {} bytes)", message.size());
    message =
        std::string(truncateUtf8(message, limits::kMaxErrorMessageBytes - note.size())) + note;
  }
  return TaskError(std::move(type), toValidUtf8(message), error.retryable());
}

void from_json(const Json& in, TaskError& error) {
  rejectUnknownFields(in, {"type", "message", "retryable"});
  std::string type = readField(in, "type", readErrorType);
  std::string message = readOptionalField(in, "message", [](const Json& value) {
                          std::string text = readString(value);
                          if (auto problem = checkErrorMessage(text)) throw JsonError(*problem);
                          return text;
                        }).value_or("");
  bool retryable = readOptionalField(in, "retryable", readBool).value_or(true);
  error = TaskError(std::move(type), std::move(message), retryable);
}

}  // namespace pledge
