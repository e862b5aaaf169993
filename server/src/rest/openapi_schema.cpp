#include "rest/openapi_schema.h"

#include <utility>

namespace pledge::server::openapi {

Json ref(std::string_view schema) {
  return {{"$ref", "#/components/schemas/" + std::string(schema)}};
}
Json text() { return {{"type", "string"}}; }
Json uuid() { return {{"type", "string"}, {"format", "uuid"}}; }
Json integer() { return {{"type", "integer"}}; }
Json int64() { return {{"type", "integer"}, {"format", "int64"}}; }
Json number() { return {{"type", "number"}}; }
Json boolean() { return {{"type", "boolean"}}; }
Json anyValue() { return Json::object(); }
Json textOneOf(std::vector<std::string> values) {
  return {{"type", "string"}, {"enum", std::move(values)}};
}
Json arrayOf(Json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
Json object(Json properties) { return {{"type", "object"}, {"properties", std::move(properties)}}; }
Json object(std::vector<std::string> required, Json properties) {
  Json schema = object(std::move(properties));
  schema["required"] = std::move(required);
  return schema;
}
Json with(Json schema, const Json& more) {
  schema.update(more);
  return schema;
}
Json nullable(Json schema) { return with(std::move(schema), {{"nullable", true}}); }
Json described(Json schema, std::string_view description) {
  return with(std::move(schema), {{"description", description}});
}

Json componentSchemas() {
  Json taskError = object(
      {"type"},
      {{"type", text()}, {"message", text()}, {"retryable", with(boolean(), {{"default", true}})}});
  Json schemas = {
      {"Error",
       object({{"error",
                object({{"code",
                         textOneOf({"bad_request", "not_found", "method_not_allowed", "conflict",
                                    "payload_too_large", "unavailable", "internal"})},
                        {"message", text()}})}})},
      {"ProcessState", textOneOf({"running", "completed", "broken", "aborted"})},
      {"StartRequest",
       object({"actor"},
              {{"actor", described(with(text(), {{"example", "NotificationDecider#1.0"}}),
                                   "A decider's actor id, or \"workflow:NAME\" (the latest "
                                   "version) or \"workflow:NAME#VERSION\" for a workflow")},
               {"method", described(with(text(), {{"example", "start"}}),
                                    "Required for a decider; \"execute\" for a workflow")},
               {"args", arrayOf(anyValue())},
               {"input", described(anyValue(), "A workflow's input (its one argument)")},
               {"customId", text()},
               {"startTime", int64()},
               {"taskList", text()},
               {"tags", ref("Tags")},
               {"scheduleToStartMs",
                described(int64(), "The start task fails (pledge.Timeout) unless a runner takes "
                                   "it within this many ms of becoming ready")},
               {"deadlineMs",
                described(int64(), "The process breaks (pledge.Timeout) and its live tasks are "
                                   "cancelled this many ms after the start")},
               {"requestId",
                described(text(),
                          "Chosen by the client for this request (a UUID, say): sending the "
                          "request again with the same requestId answers the process the first "
                          "one started (200, existing), also when its answer was lost. The "
                          "Pledge client library sends one with every start.")}})},
      {"WorkflowSummary",
       object({{"name", text()}, {"version", integer()},
               {"actor", described(text(), "What starts it: \"workflow:NAME#VERSION\"")},
               {"description", text()}, {"tasks", integer()}, {"createdAt", int64()}})},
      {"Workflow",
       object({{"name", text()}, {"version", integer()}, {"actor", text()},
               {"description", text()}, {"tasks", integer()}, {"createdAt", int64()},
               {"created", described(boolean(), "On registration: false when this version "
                                                "held the same definition already")},
               {"definition", described(anyValue(), "The definition as registered "
                                                   "(Conductor's schema, docs/workflows.md)")}})},
      {"StartedProcess",
       object({{"processId", uuid()}, {"taskId", uuid()}, {"existing", boolean()}})},
      {"Event",
       object({"name", "key"},
              {{"name", described(text(), "What event tasks wait for (their method)")},
               {"key", described(text(), "The correlation key; \"\" matches waiters of key \"\" "
                                         "(sent to one process: any key)")},
               {"payload", described(anyValue(), "The waiting promises resolve with it")},
               {"id", described(text(), "Idempotency: a repeat of this id changes nothing")},
               {"retentionMs", described(integer(), "How long it is kept when nobody waits "
                                                    "(default: the server's, 24 h); 0: never")}})},
      {"EventDelivery",
       object({{"name", text()},
               {"key", text()},
               {"id", text()},
               {"resolved", described(integer(), "Waiting event tasks it resolved")},
               {"kept", described(boolean(), "Kept for a waiter to come")},
               {"duplicate", described(boolean(), "An event with this id came before; "
                                                  "nothing changed")}})},
      {"KeptEvent",
       object({{"name", text()},
               {"key", text()},
               {"id", text()},
               {"processId", described(uuid(), "Set when it was sent to one process")},
               {"payload", anyValue()},
               {"keptAt", described(integer(), "epoch ms")},
               {"keptUntil", described(integer(), "epoch ms")}})},
      {"TaskError", taskError},
      {"Process", object({{"processId", uuid()},
                          {"taskId", uuid()},
                          {"customId", nullable(text())},
                          {"actor", text()},
                          {"method", text()},
                          {"state", ref("ProcessState")},
                          {"startedAt", integer()},
                          {"endedAt", nullable(integer())},
                          {"result", anyValue()},
                          {"error", ref("TaskError")},
                          {"failedTaskId", nullable(text())},
                          {"paused", described(boolean(), "No task of it is handed out until "
                                                          "it is resumed")},
                          {"tags", ref("Tags")},
                          {"deadline", described(integer(), "epoch ms; when it has one (stored "
                                                            "with the process: in any state)")}})},
      {"Tags", described(with(object(Json::object()), {{"additionalProperties", text()}}),
                         "Search attributes given at start: string keys and values; processes "
                         "are listed by them (GET /api/v1/processes?tag=KEY:VALUE)")},
      {"RetryPolicy",
       object({"policy"}, {{"policy", textOneOf({"none", "fixed", "linear", "exponential"})},
                           {"initialMs", integer()},
                           {"maxMs", integer()},
                           {"multiplier", {{"type", "number"}}},
                           {"maxAttempts", integer()},
                           {"nonRetryable", arrayOf(text())}})},
      {"ArgSpec", described(object({{"value", anyValue()},
                                    {"promise", uuid()},
                                    {"noWait", boolean()},
                                    {"acceptFail", {{"oneOf", {boolean(), arrayOf(text())}}}},
                                    {"list", arrayOf(ref("ArgSpec"))}}),
                            "Exactly one of value, promise, list")},
      {"TaskSpec", object({"taskId", "actor", "method", "type"},
                          {{"taskId", uuid()},
                           {"actor", text()},
                           {"method", text()},
                           {"type", textOneOf({"worker", "decider", "event", "timer"})},
                           {"args", arrayOf(ref("ArgSpec"))},
                           {"options", object({{"startTime", integer()},
                                               {"taskList", text()},
                                               {"priority", integer()},
                                               {"timeoutMs", integer()},
                                               {"scheduleToStartMs", integer()},
                                               {"retry", ref("RetryPolicy")}})},
                           {"processDeadline", described(integer(), "a start task's only")}})},
      {"Decision",
       described(
           object({"taskId", "attempt"},
                  {{"taskId", uuid()},
                   {"attempt", integer()},
                   {"processId", described(uuid(),
                                           "The task's process (optional): lets any node route the "
                                           "release to the process's owner without a look-up")},
                   {"result", anyValue()},
                   {"promise", uuid()},
                   {"error", ref("TaskError")},
                   {"tasks", arrayOf(ref("TaskSpec"))}}),
           "At most one of result, promise, error")},
      {"ReleaseResult", object({{"taskId", text()},
                                {"status", textOneOf({"accepted", "duplicate", "rejected"})},
                                {"error", object({{"code", text()}, {"message", text()}})}})},
      {"ArgValue", described(object({{"value", anyValue()},
                                     {"failed", ref("TaskError")},
                                     {"promise", uuid()},
                                     {"list", arrayOf(ref("ArgValue"))}}),
                             "Exactly one of value, failed, promise, list")},
      {"PolledTask", object({{"taskId", text()},
                             {"processId", text()},
                             {"actor", text()},
                             {"method", text()},
                             {"type", textOneOf({"worker", "decider", "event", "timer"})},
                             {"attempt", integer()},
                             {"timeoutMs", integer()},
                             {"args", arrayOf(ref("ArgValue"))}})},
      {"TaskView", object({{"taskId", text()},
                           {"actor", text()},
                           {"method", text()},
                           {"type", text()},
                           {"start", boolean()},
                           {"parentId", described(nullable(text()),
                                                  "The task whose decision created this one")},
                           {"state", textOneOf({"waiting", "scheduled", "ready", "running",
                                                "listening", "completed", "failed",
                                                "cancelled"})},
                           {"promise", textOneOf({"pending", "resolved", "failed"})},
                           {"args", arrayOf(ref("ArgSpec"))},
                           {"result", anyValue()},
                           {"forwardTo", nullable(text())},
                           {"error", ref("TaskError")},
                           {"attempts", integer()},
                           {"taskList", text()},
                           {"priority", integer()},
                           {"timeoutMs", described(integer(),
                                                   "the lease of each attempt: the task's own "
                                                   "timeoutMs, else the server's "
                                                   "--default-timeout-ms")},
                           {"retry", ref("RetryPolicy")},
                           {"scheduleToStartMs",
                            described(nullable(integer()),
                                      "fails (pledge.Timeout) unless taken this long after it "
                                      "became ready")},
                           {"notBefore", nullable(integer())},
                           {"leaseUntil", nullable(integer())},
                           {"deadline",
                            described(nullable(integer()),
                                      "A listening event task times out then (epoch ms)")},
                           {"createdAt", integer()},
                           {"readyAt", nullable(integer())},
                           {"startedAt", nullable(integer())},
                           {"endedAt", nullable(integer())}})},
      {"TaskRecord",
       described(
           Json{{"allOf",
                 {ref("TaskView"),
                  object({{"processId", text()},
                          {"spec", ref("TaskSpec")},
                          {"input", described(ref("PolledTask"),
                                              "What a poll hands the task: its promised "
                                              "arguments as they resolved")},
                          {"decision",
                           described(nullable(object({{"tasks", arrayOf(ref("TaskSpec"))},
                                                      {"result", anyValue()},
                                                      {"promise", text()},
                                                      {"error", ref("TaskError")}})),
                                     "What its last execution decided: one of result, "
                                     "promise, error, and the tasks it created in creation "
                                     "order; null until it decided")}})}}},
           "A task, what it was given and what it decided (pledge replay)")},
      {"Limit",
       object({"actor"},
              {{"actor", text()},
               {"taskList", described(text(), "empty or absent: every task list of the actor")},
               {"maxRunning", described(nullable(int64()), "tasks handed out at once, at least 1")},
               {"perSecond", described(nullable(number()), "hand-outs a second, above 0")},
               {"burst", described(nullable(int64()), "hand-outs at once (needs perSecond)")}})},
      {"LimitView",
       object({{"actor", text()},
               {"taskList", text()},
               {"maxRunning", nullable(int64())},
               {"perSecond", nullable(number())},
               {"burst", nullable(int64())},
               {"running", described(int64(), "tasks running now that count against it")},
               {"heldTotal", described(int64(), "polls that found ready tasks held back")},
               {"node", described(object({{"maxRunning", nullable(int64())},
                                          {"perSecond", nullable(number())}}),
                                  "the answering node's share")}})},
      {"Actor",
       object({{"actor", text()},
               {"blocked", boolean()},
               {"lastPollAt", nullable(integer())},
               {"pollers", arrayOf(object({{"worker", text()}, {"lastPollAt", integer()}}))},
               {"ready", integer()},
               {"running", integer()},
               {"waiting", integer()}})},
      {"Retention",
       object({{"maxAgeMs", described(nullable(int64()),
                                      "--retention: ended processes older than this are "
                                      "deleted; null: kept forever (off)")},
               {"archiveDir", described(nullable(text()), "--retention-archive-dir")},
               {"batch", described(integer(), "--retention-batch: processes per transaction")},
               {"intervalMs", described(nullable(integer()), "how often a pass runs")},
               {"deletedProcesses", int64()},
               {"deletedTasks", int64()},
               {"archivedBytes", int64()},
               {"lastRunAt", described(nullable(int64()), "epoch ms of the last pass")},
               {"lastError", described(nullable(text()), "why the last pass failed")},
               {"oldestEndedAt",
                described(nullable(int64()),
                          "when the earliest ended process this node may delete ended")}})},
      {"RetentionPass",
       object({{"cutoff", described(int64(), "processes that ended before (epoch ms) were due")},
               {"deletedProcesses", int64()},
               {"deletedTasks", int64()},
               {"archivedBytes", int64()},
               {"batches", integer()}})},
  };
  return schemas;
}

}  // namespace pledge::server::openapi
