// JSON support shared by every codec: the Json alias, strict readers that report the path of
// the first bad field, and nlohmann adapters for std::optional and Uuid.
//
// Decoders read with the require* / read* helpers and wrap nested reads in atField/atIndex;
// a mismatch anywhere throws JsonError whose message names the full path:
//
//   TaskSpec spec = pledge::parseJson(body).get<TaskSpec>();
//   // throws JsonError "tasks[2].args[0].promise: expected a UUID string, got 12"
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pledge/error.h"
#include "pledge/uuid.h"

namespace pledge {

using Json = nlohmann::json;

// A JSON document that does not have the expected shape. Code BadRequest; the message is
// "<path>: <what is wrong>" where the path is built up while the exception leaves the decoders.
class JsonError : public Error {
 public:
  explicit JsonError(std::string detail);

  // Called while unwinding through an object field or array element.
  void prependField(std::string_view key);
  void prependIndex(std::size_t index);

  const std::string& path() const { return path_; }
  const std::string& detail() const { return detail_; }

 private:
  void rebuild();

  std::string path_;
  std::string detail_;
};

// Parses text; malformed JSON throws JsonError with the byte offset of the problem, and so does
// a document nested deeper than limits::kMaxJsonDepth (checked before parsing;
// kMaxWrittenJsonDepth inside a limits::Ignored scope).
Json parseJson(std::string_view text);

// The byte offset where text nests objects and arrays deeper than maxDepth; nullopt when it does
// not. Linear, allocates nothing; any text (malformed too) may be given.
std::optional<std::size_t> findExcessNesting(std::string_view text, std::size_t maxDepth);

// value as JSON text; never throws: strings that are not valid UTF-8 (which dump() refuses)
// have their broken bytes replaced by U+FFFD.
std::string dumpJson(const Json& value);

// The REST error object {"error":{"code":"...","message":"..."}}: the one place its shape is
// written (the server answers every error, and every failed item of a batch, through these).
// Never throws: the message may quote anything a client sent (broken UTF-8 becomes U+FFFD).
std::string errorObjectText(ErrorCode code, std::string_view message);
std::string errorObjectText(const Error& error);
Json errorObject(ErrorCode code, std::string_view message);
Json errorObject(const Error& error);
// Reads what they write: the Error of the inner {"code","message"} object (the value under
// "error"). A missing or unknown code reads as internal, a missing message as fallbackMessage.
Error errorFromObject(const Json& inner, std::string_view fallbackMessage = "");

// A short description of a value for error messages: "a string", "12", "an object".
std::string describeJson(const Json& value);

// The message of a nlohmann exception without its "[json.exception.type_error.302] " prefix.
std::string describeLibraryError(const nlohmann::json::exception& error);

// Runs read() and prepends ".key" / "[index]" to the path of any JsonError it throws.
template <typename Read>
decltype(auto) atField(std::string_view key, Read&& read) {
  try {
    return std::forward<Read>(read)();
  } catch (JsonError& error) {
    error.prependField(key);
    throw;
  }
}

template <typename Read>
decltype(auto) atIndex(std::size_t index, Read&& read) {
  try {
    return std::forward<Read>(read)();
  } catch (JsonError& error) {
    error.prependIndex(index);
    throw;
  }
}

// Throws JsonError(detail) located at field key.
[[noreturn]] void failAtField(std::string_view key, std::string detail);

void requireObject(const Json& value);
void requireArray(const Json& value);
// Rejects fields of object that are not in known (the first unknown one is named).
void rejectUnknownFields(const Json& object, std::initializer_list<std::string_view> known);

// The field of an object; a missing field throws JsonError at that field's path.
const Json& requireField(const Json& object, std::string_view key);
// The field of an object, or nullptr when it is absent or null.
const Json* optionalField(const Json& object, std::string_view key);

std::string readString(const Json& value);
std::int64_t readInt(const Json& value);
double readNumber(const Json& value);
bool readBool(const Json& value);
Uuid readUuid(const Json& value);
// A non-negative integer of epoch milliseconds.
std::int64_t readEpochMs(const Json& value);

// Reads a required field with one of the readers above, prefixing errors with the key.
template <typename Reader>
auto readField(const Json& object, std::string_view key, Reader reader) {
  const Json& field = requireField(object, key);
  return atField(key, [&] { return reader(field); });
}

// Reads an optional field; nullopt when absent or null.
template <typename Reader>
auto readOptionalField(const Json& object, std::string_view key, Reader reader)
    -> std::optional<decltype(reader(object))> {
  const Json* field = optionalField(object, key);
  if (field == nullptr) return std::nullopt;
  return atField(key, [&] { return reader(*field); });
}

// Reads a value as T: strictly for strings, integers, numbers, booleans and Uuid (no silent
// conversions), through nlohmann's get<T>() for everything else.
template <typename T>
T readAs(const Json& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return readString(value);
  } else if constexpr (std::is_same_v<T, bool>) {
    return readBool(value);
  } else if constexpr (std::is_integral_v<T>) {
    std::int64_t number = readInt(value);
    if (static_cast<std::int64_t>(static_cast<T>(number)) != number) {
      throw JsonError("integer out of range: " + value.dump());
    }
    return static_cast<T>(number);
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(readNumber(value));
  } else if constexpr (std::is_same_v<T, Uuid>) {
    return readUuid(value);
  } else {
    try {
      return value.template get<T>();
    } catch (const nlohmann::json::exception& error) {
      throw JsonError(describeLibraryError(error));
    }
  }
}

// Throws JsonError unless value is an array of at most maxItems elements.
void requireArrayOfAtMost(const Json& value, std::size_t maxItems);

// Reads an array whose elements decode with readAs<T>(), naming the index of a bad element.
template <typename T>
std::vector<T> readArray(const Json& value) {
  requireArray(value);
  std::vector<T> items;
  items.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    items.push_back(atIndex(i, [&] { return readAs<T>(value[i]); }));
  }
  return items;
}

// readArray refusing more than maxItems elements.
template <typename T>
std::vector<T> readArrayOfAtMost(const Json& value, std::size_t maxItems) {
  requireArrayOfAtMost(value, maxItems);
  return readArray<T>(value);
}

}  // namespace pledge

// Uuid <-> JSON string.
namespace pledge {
inline void to_json(Json& out, const Uuid& id) { out = id.toString(); }
inline void from_json(const Json& in, Uuid& id) { id = readUuid(in); }
}  // namespace pledge

// std::optional<T> <-> JSON value or null (nlohmann 3.11.2 has no built-in support).
#if NLOHMANN_JSON_VERSION_MAJOR == 3 && NLOHMANN_JSON_VERSION_MINOR == 11 && \
    NLOHMANN_JSON_VERSION_PATCH < 3
NLOHMANN_JSON_NAMESPACE_BEGIN
template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& out, const std::optional<T>& value) {
    if (value) {
      out = *value;
    } else {
      out = nullptr;
    }
  }
  static void from_json(const json& in, std::optional<T>& value) {
    if (in.is_null()) {
      value.reset();
    } else {
      value = in.get<T>();
    }
  }
};
NLOHMANN_JSON_NAMESPACE_END
#endif
