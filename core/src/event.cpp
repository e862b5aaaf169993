#include "pledge/event.h"

#include "pledge/limits.h"
#include "pledge/task_spec.h"
#include "pledge/text.h"

namespace pledge {

std::optional<std::string> checkEventKey(std::string_view key) {
  return checkName(key, limits::kMaxCustomIdBytes, /*allowEmpty=*/true);
}

namespace {

std::string readEventKey(const Json& value) {
  std::string key = readString(value);
  if (!limits::enforced()) return key;
  if (auto problem = checkEventKey(key)) throw JsonError(*problem);
  return key;
}

std::string readEventId(const Json& value) {
  std::string id = readString(value);
  if (!limits::enforced()) return id;
  if (auto problem = checkName(id, limits::kMaxCustomIdBytes)) throw JsonError(*problem);
  return id;
}

std::int64_t readRetentionMs(const Json& value) {
  std::int64_t ms = readInt(value);
  if (ms < 0 || ms > limits::kMaxTimeoutMs) {
    throw JsonError("expected 0 to " + std::to_string(limits::kMaxTimeoutMs) + " ms, got " +
                    std::to_string(ms));
  }
  return ms;
}

}  // namespace

void to_json(Json& out, const Event& event) {
  out = Json{{"name", event.name}, {"key", event.key}, {"payload", event.payload}};
  if (event.id) out["id"] = *event.id;
  if (event.retentionMs) out["retentionMs"] = *event.retentionMs;
}

void from_json(const Json& in, Event& event) {
  rejectUnknownFields(in, {"name", "key", "payload", "id", "retentionMs"});
  Event result;
  result.name = readField(in, "name", readMethodName);
  result.key = readField(in, "key", readEventKey);
  if (const Json* payload = optionalField(in, "payload")) result.payload = *payload;
  result.id = readOptionalField(in, "id", readEventId);
  result.retentionMs = readOptionalField(in, "retentionMs", readRetentionMs);
  event = std::move(result);
}

void to_json(Json& out, const EventDelivery& delivery) {
  out = Json{{"name", delivery.name}, {"key", delivery.key}};
  if (delivery.id) out["id"] = *delivery.id;
  out["resolved"] = delivery.resolved;
  out["kept"] = delivery.kept;
  out["duplicate"] = delivery.duplicate;
}

void from_json(const Json& in, EventDelivery& delivery) {
  EventDelivery result;
  result.name = readField(in, "name", readString);
  result.key = readField(in, "key", readString);
  result.id = readOptionalField(in, "id", readString);
  result.resolved = static_cast<int>(readField(in, "resolved", readInt));
  result.kept = readOptionalField(in, "kept", readBool).value_or(false);
  result.duplicate = readOptionalField(in, "duplicate", readBool).value_or(false);
  delivery = std::move(result);
}

}  // namespace pledge
