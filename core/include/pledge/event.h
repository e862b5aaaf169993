// An event from the outside world (POST /api/v1/events, or .../processes/{id}/events) and what
// its delivery did. An event resolves every event task waiting for its name and correlation
// key (pledge::TaskType::Event; docs/events.md); with none waiting it is kept for retentionMs
// and consumed by the first such task created later. An id makes delivery idempotent: a repeat
// changes nothing and is answered as a duplicate.
//
// Wire forms:
//   event     {"name":"pizzaReady","key":"order-42","payload":{...},"id"?,"retentionMs"?}
//   delivery  {"name","key","id"?,"resolved":1,"kept":false,"duplicate":false}
//
//   pledge::Event event{.name = "pizzaReady", .key = "order-42", .payload = {{"ready", true}}};
//   pledge::EventDelivery delivery = client.sendEvent(event);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pledge/json.h"

namespace pledge {

// Kept events wait at most this long for a waiter unless the event says otherwise (the
// server's --event-retention-ms changes the default).
inline constexpr std::int64_t kDefaultEventRetentionMs = 24LL * 3600 * 1000;

// A plain value; copyable, compared by value.
struct Event {
  // A name as checkName (text.h) takes it; what event tasks wait for (their method).
  std::string name;
  // The correlation key: any text of at most limits::kMaxCustomIdBytes; "" matches waiters
  // whose key is "".
  std::string key;
  // Any JSON; the waiting promises resolve with it. Null when absent.
  Json payload;
  // Idempotency: a second event with the same id changes nothing.
  std::optional<std::string> id;
  // How long the event is kept when nobody waits for it; 0 means it is never kept.
  std::optional<std::int64_t> retentionMs;

  bool operator==(const Event&) const = default;
};

// A plain value; copyable, compared by value.
struct EventDelivery {
  std::string name;
  std::string key;
  std::optional<std::string> id;
  // Waiting event tasks it resolved.
  int resolved = 0;
  // Kept for a waiter to come (nobody waited).
  bool kept = false;
  // An event with this id was delivered before; this one changed nothing (the other fields
  // are those of the first delivery).
  bool duplicate = false;

  bool operator==(const EventDelivery&) const = default;
};

// Checks a correlation key; the message says what is wrong, nullopt when it is fine.
std::optional<std::string> checkEventKey(std::string_view key);

// Strict, as the server reads an event: unknown fields, a bad name, key or id, a retentionMs
// outside [0, limits::kMaxTimeoutMs] throw JsonError naming the field.
void to_json(Json& out, const Event& event);
void from_json(const Json& in, Event& event);
// Read as a client reads an answer: fields it does not know are ignored.
void to_json(Json& out, const EventDelivery& delivery);
void from_json(const Json& in, EventDelivery& delivery);

}  // namespace pledge
