#include "pledge/json.h"

#include <fmt/format.h>

#include "pledge/limits.h"
#include "pledge/text.h"

namespace pledge {

JsonError::JsonError(std::string detail)
    : Error(ErrorCode::BadRequest, detail), detail_(std::move(detail)) {}

void JsonError::prependField(std::string_view key) {
  std::string prefix(key);
  if (!path_.empty() && path_.front() != '[') prefix.push_back('.');
  path_.insert(0, prefix);
  rebuild();
}

void JsonError::prependIndex(std::size_t index) {
  std::string prefix = fmt::format("[{}]", index);
  if (!path_.empty() && path_.front() != '[') prefix.push_back('.');
  path_.insert(0, prefix);
  rebuild();
}

void JsonError::rebuild() { setMessage(path_.empty() ? detail_ : path_ + ": " + detail_); }

std::string describeLibraryError(const nlohmann::json::exception& error) {
  // nlohmann's messages start with "[json.exception.parse_error.101] ".
  std::string message = error.what();
  auto start = message.find("] ");
  if (start != std::string::npos) message = message.substr(start + 2);
  return message;
}

std::optional<std::size_t> findExcessNesting(std::string_view text, std::size_t maxDepth) {
  std::size_t depth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    switch (c) {
      case '"': inString = true; break;
      case '[':
      case '{':
        if (++depth > maxDepth) return i;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return std::nullopt;
}

Json parseJson(std::string_view text) {
  const std::size_t maxDepth =
      limits::enforced() ? limits::kMaxJsonDepth : limits::kMaxWrittenJsonDepth;
  if (auto at = findExcessNesting(text, maxDepth)) {
    throw JsonError(
        fmt::format("JSON nested deeper than the limit of {} levels (at byte {})", maxDepth, *at));
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& error) {
    // parse_error, or out_of_range for a number past double (1e999). The library quotes the bytes
    // it read last, which may be broken UTF-8.
    throw JsonError("malformed JSON: " + toValidUtf8(describeLibraryError(error)));
  }
}

std::string dumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json errorObject(ErrorCode code, std::string_view message) {
  return Json{{"error", {{"code", errorCodeName(code)}, {"message", toValidUtf8(message)}}}};
}

std::string errorObjectText(ErrorCode code, std::string_view message) {
  return dumpJson(errorObject(code, message));
}

Json errorObject(const Error& error) { return errorObject(error.code(), error.message()); }

Error errorFromObject(const Json& inner, std::string_view fallbackMessage) {
  if (!inner.is_object()) return Error(ErrorCode::Internal, std::string(fallbackMessage));
  const auto code = inner.find("code");
  const auto message = inner.find("message");
  return Error(errorCodeFromName(code != inner.end() && code->is_string() ? code->get<std::string>()
                                                                          : "internal"),
               message != inner.end() && message->is_string() ? message->get<std::string>()
                                                              : std::string(fallbackMessage));
}

std::string errorObjectText(const Error& error) {
  return errorObjectText(error.code(), error.message());
}

std::string describeJson(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: {
      return "the string \"" + quoteInput(value.get_ref<const std::string&>(), 40) + "\"";
    }
    case Json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return value.dump();
    default: return "a value of an unsupported type";
  }
}

void failAtField(std::string_view key, std::string detail) {
  JsonError error(std::move(detail));
  error.prependField(key);
  throw error;
}

void requireObject(const Json& value) {
  if (!value.is_object()) throw JsonError("expected an object, got " + describeJson(value));
}

void requireArray(const Json& value) {
  if (!value.is_array()) throw JsonError("expected an array, got " + describeJson(value));
}

void rejectUnknownFields(const Json& object, std::initializer_list<std::string_view> known) {
  requireObject(object);
  for (const auto& [key, value] : object.items()) {
    bool isKnown = false;
    for (std::string_view name : known) isKnown = isKnown || name == key;
    if (!isKnown) {
      std::string expected;
      for (std::string_view name : known) {
        if (!expected.empty()) expected += ", ";
        expected += name;
      }
      failAtField(quoteInput(key, 64), "unknown field (expected one of: " + expected + ")");
    }
  }
}

void requireArrayOfAtMost(const Json& value, std::size_t maxItems) {
  requireArray(value);
  if (value.size() > maxItems && limits::enforced()) {
    throw JsonError(fmt::format("at most {} items are allowed, got {}", maxItems, value.size()));
  }
}

const Json& requireField(const Json& object, std::string_view key) {
  requireObject(object);
  auto it = object.find(key);
  if (it == object.end()) {
    failAtField(key, "missing required field");
  }
  return *it;
}

const Json* optionalField(const Json& object, std::string_view key) {
  requireObject(object);
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string readString(const Json& value) {
  if (!value.is_string()) throw JsonError("expected a string, got " + describeJson(value));
  return value.get<std::string>();
}

std::int64_t readInt(const Json& value) {
  if (value.is_number_unsigned()) {
    auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(INT64_MAX)) {
      throw JsonError("expected a 64-bit integer, got " + value.dump());
    }
    return static_cast<std::int64_t>(number);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  throw JsonError("expected an integer, got " + describeJson(value));
}

double readNumber(const Json& value) {
  if (!value.is_number()) throw JsonError("expected a number, got " + describeJson(value));
  return value.get<double>();
}

bool readBool(const Json& value) {
  if (!value.is_boolean()) throw JsonError("expected true or false, got " + describeJson(value));
  return value.get<bool>();
}

std::int64_t readEpochMs(const Json& value) {
  std::int64_t ms = readInt(value);
  if (ms < 0 || (ms > limits::kMaxEpochMs && limits::enforced())) {
    throw JsonError(
        fmt::format("must be epoch milliseconds from 0 to {} (the end of year 9999), got {}",
                    limits::kMaxEpochMs, value.dump()));
  }
  return ms;
}

Uuid readUuid(const Json& value) {
  if (value.is_string()) {
    if (auto id = Uuid::parse(value.get_ref<const std::string&>())) return *id;
  }
  throw JsonError("expected a UUID string, got " + describeJson(value));
}

}  // namespace pledge
