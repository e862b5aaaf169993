// StartRequest: the body of POST /api/v1/processes, which starts a process; StartedProcess is
// its answer.
//
//   {"actor":"NotificationDecider#1.0","method":"start","args":["user-1","hello"],
//    "customId":"order-17","startTime":1767225600000,"taskList":"batch",
//    "requestId":"5f0c...","tags":{"team":"billing"},"scheduleToStartMs":30000,
//    "deadlineMs":3600000}
//   -> {"processId":"<uuid>","taskId":"<uuid>"}
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pledge/json.h"
#include "pledge/tags.h"
#include "pledge/uuid.h"

namespace pledge {

struct StartOptions {
  // Starting twice with the same customId returns the existing process.
  std::optional<std::string> customId;
  // Epoch milliseconds; the start task is not handed out before.
  std::optional<std::int64_t> startTime;
  std::optional<std::string> taskList;
  // The start task's schedule-to-start (CallOptions::scheduleToStartMs).
  std::optional<std::int64_t> scheduleToStartMs;
  // The process's deadline, ms from the start: when it passes the process breaks with
  // kTimeoutError and every live task of it is cancelled (docs/operations.md).
  std::optional<std::int64_t> deadlineMs;
  // Chosen by the client for this start request (a UUID, say): a retry of the request with the
  // same requestId returns the process the first try started, also when the client never saw
  // the first answer. Unlike customId it names the request, not the process.
  std::optional<std::string> requestId;
  // Kept with the process, which can then be listed by them (pledge/tags.h for the limits).
  Tags tags;

  bool operator==(const StartOptions&) const = default;
};

// A plain value; copyable, compared by value.
struct StartRequest {
  std::string actor;
  std::string method;
  // Plain JSON values, one per parameter of the execute method.
  Json args = Json::array();
  StartOptions options;

  bool operator==(const StartRequest&) const = default;
};

struct StartedProcess {
  Uuid processId;
  Uuid taskId;
  // True when a process with the same customId (or requestId) existed and was returned instead.
  bool existing = false;

  bool operator==(const StartedProcess&) const = default;
};

void to_json(Json& out, const StartRequest& request);
void from_json(const Json& in, StartRequest& request);
void to_json(Json& out, const StartedProcess& started);
void from_json(const Json& in, StartedProcess& started);

}  // namespace pledge
