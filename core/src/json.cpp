#include "pledge/json.h"

#include <fmt/format.h>

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

Json parseJson(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& error) {
    throw JsonError("malformed JSON: " + describeLibraryError(error));
  }
}

std::string describeJson(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: {
      std::string text = value.get_ref<const std::string&>();
      if (text.size() > 40) text = text.substr(0, 40) + "...";
      return "the string \"" + text + "\"";
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
      failAtField(key, "unknown field (expected one of: " + expected + ")");
    }
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
  if (ms < 0) throw JsonError("must be epoch milliseconds, got " + value.dump());
  return ms;
}

Uuid readUuid(const Json& value) {
  if (value.is_string()) {
    if (auto id = Uuid::parse(value.get_ref<const std::string&>())) return *id;
  }
  throw JsonError("expected a UUID string, got " + describeJson(value));
}

}  // namespace pledge
