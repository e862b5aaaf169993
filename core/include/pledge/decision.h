// Decision: what one task execution reports to the server: its outcome (a value, the promise of
// another task whose result becomes this task's result, or an error) and the tasks it created.
// Task ids are made by the client, so new tasks may refer to each other before the server has
// seen any of them. A decision is applied atomically.
//
// Wire form (one element of the release body's "decisions"):
//   {"taskId":"<uuid>","attempt":1,"result":true,"tasks":[]}
//   {"taskId":"<uuid>","processId":"<uuid>","attempt":1,"result":true,"tasks":[]}
//   {"taskId":"<uuid>","attempt":1,"promise":"<uuid>","tasks":[TaskSpec...]}
//   {"taskId":"<uuid>","attempt":2,"error":{"type":"SmtpDown","message":"..."},"tasks":[]}
#pragma once

#include <optional>
#include <vector>

#include "pledge/json.h"
#include "pledge/task_error.h"
#include "pledge/task_spec.h"
#include "pledge/uuid.h"

namespace pledge {

// A plain value; copyable, compared by value. Exactly one outcome: error if set, else promise if
// set, else result (null for a method that returns nothing).
struct Decision {
  Uuid taskId;
  // The task's process, as the poll handed it out: lets any node of a cluster route the
  // release to the process's owner without a look-up. Optional on the wire.
  std::optional<Uuid> processId;
  // The attempt this decision reports, as handed out by the poll.
  int attempt = 1;
  Json result;
  std::optional<Uuid> promise;
  std::optional<TaskError> error;
  // New tasks; always empty when error is set (a failed execution creates nothing).
  std::vector<TaskSpec> tasks;

  bool failed() const { return error.has_value(); }
  bool forwards() const { return !error && promise.has_value(); }

  bool operator==(const Decision&) const = default;
};

void to_json(Json& out, const Decision& decision);
// Strict: at most one of result, promise, error; no tasks beside an error.
void from_json(const Json& in, Decision& decision);

}  // namespace pledge
