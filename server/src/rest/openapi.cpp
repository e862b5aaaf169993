// The OpenAPI 3 document of REST API v1, served at GET /api/v1/openapi.json. The routes and
// schemas are written out below; the limits (limits.h) and the error codes (error.h) are added to
// them from the code, so that the document states what the server enforces.
#include "pledge/limits.h"
#include "pledge/server/rest/rest_api.h"

#include <fmt/format.h>

namespace pledge::server {
namespace {

constexpr const char* kDocument = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "Pledge REST API",
    "version": "1",
    "description": "Start and operate processes, poll and release tasks. Errors are {\"error\":{\"code\",\"message\"}} with a 4xx/5xx status."
  },
  "paths": {
    "/api/v1/processes": {
      "post": {
        "summary": "Start a process (idempotent by customId)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StartRequest"}}}},
        "responses": {
          "201": {"description": "Started", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StartedProcess"}}}},
          "200": {"description": "A process with this customId exists; its ids", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StartedProcess"}}}},
          "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}
        }
      },
      "get": {
        "summary": "List processes, newest first",
        "parameters": [
          {"name": "state", "in": "query", "schema": {"$ref": "#/components/schemas/ProcessState"}},
          {"name": "actor", "in": "query", "schema": {"type": "string"}, "description": "Decider actor id, e.g. NotificationDecider#1.0"},
          {"name": "customId", "in": "query", "schema": {"type": "string"}},
          {"name": "startedAfter", "in": "query", "schema": {"type": "integer", "format": "int64"}, "description": "Epoch ms, inclusive"},
          {"name": "startedBefore", "in": "query", "schema": {"type": "integer", "format": "int64"}, "description": "Epoch ms, exclusive"},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
          {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "The next of the previous page"}
        ],
        "responses": {
          "200": {"description": "A page", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Process"}},
            "next": {"type": "string", "nullable": true}}}}}},
          "400": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/v1/processes/batch": {
      "post": {
        "summary": "Start up to 1000 processes in one request (each as POST /api/v1/processes)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["processes"], "properties": {
          "processes": {"type": "array", "maxItems": 1000, "items": {"$ref": "#/components/schemas/StartRequest"}}}}}}},
        "responses": {
          "200": {"description": "One result per process, in order: its ids, or an error object", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "results": {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/StartedProcess"}, {"$ref": "#/components/schemas/Error"}]}}}}}}},
          "400": {"$ref": "#/components/responses/Error"}
        }
      }
    },
    "/api/v1/processes/{id}": {
      "get": {
        "summary": "One process",
        "parameters": [{"$ref": "#/components/parameters/ProcessId"}],
        "responses": {"200": {"description": "The process", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Process"}}}}, "404": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/v1/processes/{id}/tasks": {
      "get": {
        "summary": "Every task of a process",
        "parameters": [{"$ref": "#/components/parameters/ProcessId"}],
        "responses": {"200": {"description": "Tasks in creation order", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/TaskView"}}}}}, "404": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/v1/processes/{id}/result": {
      "get": {
        "summary": "Long-poll until the process completes, breaks or is aborted",
        "parameters": [{"$ref": "#/components/parameters/ProcessId"}, {"name": "waitMs", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 300000, "default": 0}}],
        "responses": {"200": {"description": "The process as it is when it ended or waitMs passed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Process"}}}}, "404": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/v1/processes/{id}/restart": {
      "post": {
        "summary": "Give the failed tasks of a broken process a new attempt",
        "parameters": [{"$ref": "#/components/parameters/ProcessId"}],
        "responses": {"200": {"description": "The process", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Process"}}}}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/v1/processes/{id}/abort": {
      "post": {
        "summary": "Abort a running or broken process",
        "parameters": [{"$ref": "#/components/parameters/ProcessId"}],
        "responses": {"200": {"description": "The process", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Process"}}}}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/v1/tasks/poll": {
      "post": {
        "summary": "Lease ready tasks; waits up to waitMs for the first one",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["actors"], "properties": {
          "worker": {"type": "string"},
          "actors": {"type": "array", "items": {"type": "object", "required": ["actor"], "properties": {"actor": {"type": "string"}, "taskList": {"type": "string"}}}},
          "max": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1},
          "waitMs": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 0}}}}}},
        "responses": {"200": {"description": "Leased tasks (maybe none)", "content": {"application/json": {"schema": {"type": "object", "properties": {"tasks": {"type": "array", "items": {"$ref": "#/components/schemas/PolledTask"}}}}}}}, "400": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/v1/tasks/release": {
      "post": {
        "summary": "Report decisions; each is applied atomically and durably before the answer",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["decisions"], "properties": {"decisions": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}},
          "poll": {"type": "object", "description": "Optional: once the decisions are durable, lease tasks as POST /api/v1/tasks/poll would (its body); they come back in tasks", "required": ["actors"], "properties": {
            "worker": {"type": "string"},
            "actors": {"type": "array", "items": {"type": "object", "required": ["actor"], "properties": {"actor": {"type": "string"}, "taskList": {"type": "string"}}}},
            "max": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1},
            "waitMs": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 0}}}}}}}},
        "responses": {
          "200": {"description": "Per-decision status (and the tasks leased, when the body had a poll)", "content": {"application/json": {"schema": {"type": "object", "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/ReleaseResult"}}, "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/PolledTask"}}}}}}},
          "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
          "409": {"description": "Every decision was rejected; the first rejection's error, and every result"}
        }
      }
    },
    "/api/v1/tasks/{id}/heartbeat": {
      "post": {
        "summary": "Extend the lease of the current attempt by its timeoutMs",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["attempt"], "properties": {"attempt": {"type": "integer"}}}}}},
        "responses": {"200": {"description": "Extended"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}
      }
    },
    "/api/v1/queues": {
      "get": {
        "summary": "Live tasks per actor and task list",
        "parameters": [{"name": "scope", "in": "query", "required": false, "description": "local: this node only; otherwise the sum over the cluster's nodes", "schema": {"type": "string", "enum": ["local"]}}],
        "responses": {"200": {"description": "Queues", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "properties": {
          "actor": {"type": "string"}, "taskList": {"type": "string"}, "ready": {"type": "integer"}, "running": {"type": "integer"}, "waiting": {"type": "integer"},
          "oldestReadyMs": {"type": "integer", "nullable": true}}}}}}}}
      }
    },
    "/api/v1/actors": {
      "get": {
        "summary": "Actors with tasks or pollers, their last poll and blocked flag",
        "parameters": [{"name": "scope", "in": "query", "required": false, "description": "local: this node only; otherwise the sum over the cluster's nodes", "schema": {"type": "string", "enum": ["local"]}}],
        "responses": {"200": {"description": "Actors", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Actor"}}}}}}
      }
    },
    "/api/v1/actors/{actor}/block": {
      "post": {"summary": "Block an actor: its tasks stay queued", "parameters": [{"$ref": "#/components/parameters/Actor"}],
               "responses": {"200": {"description": "The actor", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Actor"}}}}}}
    },
    "/api/v1/actors/{actor}/unblock": {
      "post": {"summary": "Unblock an actor", "parameters": [{"$ref": "#/components/parameters/Actor"}],
               "responses": {"200": {"description": "The actor", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Actor"}}}}}}
    },
    "/api/v1/cluster": {
      "get": {"summary": "Nodes, their address, role, partitions and heartbeat age", "responses": {"200": {"description": "The cluster", "content": {"application/json": {"schema": {"type": "object", "properties": {
        "partitions": {"type": "integer"}, "store": {"type": "string", "enum": ["embedded", "shared"]}, "leaseMs": {"type": "integer"},
        "unownedPartitions": {"type": "array", "items": {"type": "integer"}},
        "nodes": {"type": "array", "items": {"type": "object", "properties": {
          "name": {"type": "string"}, "address": {"type": "string"}, "role": {"type": "string"}, "self": {"type": "boolean"}, "alive": {"type": "boolean"},
          "startedAt": {"type": "integer", "description": "epoch ms"}, "lastHeartbeatMs": {"type": "integer"},
          "partitions": {"type": "array", "items": {"type": "integer"}}}}}}}}}}}}
    },
    "/metrics": {
      "get": {"summary": "Prometheus text format", "responses": {"200": {"description": "Metrics", "content": {"text/plain": {}}}}}
    }
  },
  "components": {
    "parameters": {
      "ProcessId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
      "Actor": {"name": "actor", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Name#version, URL-encoded (# as %23)"}
    },
    "responses": {
      "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string", "enum": ["bad_request", "not_found", "method_not_allowed", "conflict", "payload_too_large", "unavailable", "internal"]}, "message": {"type": "string"}}}}},
      "ProcessState": {"type": "string", "enum": ["running", "completed", "broken", "aborted"]},
      "StartRequest": {"type": "object", "required": ["actor", "method"], "properties": {
        "actor": {"type": "string", "example": "NotificationDecider#1.0"}, "method": {"type": "string", "example": "start"},
        "args": {"type": "array", "items": {}}, "customId": {"type": "string"}, "startTime": {"type": "integer", "format": "int64"}, "taskList": {"type": "string"},
        "requestId": {"type": "string", "description": "Chosen by the client for this request (a UUID, say): sending the request again with the same requestId answers the process the first one started (200, existing), also when its answer was lost. The Pledge client library sends one with every start."}}},
      "StartedProcess": {"type": "object", "properties": {"processId": {"type": "string", "format": "uuid"}, "taskId": {"type": "string", "format": "uuid"}, "existing": {"type": "boolean"}}},
      "TaskError": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}, "message": {"type": "string"}, "retryable": {"type": "boolean", "default": true}}},
      "Process": {"type": "object", "properties": {
        "processId": {"type": "string", "format": "uuid"}, "taskId": {"type": "string", "format": "uuid"}, "customId": {"type": "string", "nullable": true},
        "actor": {"type": "string"}, "method": {"type": "string"}, "state": {"$ref": "#/components/schemas/ProcessState"},
        "startedAt": {"type": "integer"}, "endedAt": {"type": "integer", "nullable": true}, "result": {},
        "error": {"$ref": "#/components/schemas/TaskError"}, "failedTaskId": {"type": "string", "nullable": true}}},
      "RetryPolicy": {"type": "object", "required": ["policy"], "properties": {
        "policy": {"type": "string", "enum": ["none", "fixed", "linear", "exponential"]}, "initialMs": {"type": "integer"}, "maxMs": {"type": "integer"},
        "multiplier": {"type": "number"}, "maxAttempts": {"type": "integer"}, "nonRetryable": {"type": "array", "items": {"type": "string"}}}},
      "ArgSpec": {"type": "object", "description": "Exactly one of value, promise, list", "properties": {
        "value": {}, "promise": {"type": "string", "format": "uuid"}, "noWait": {"type": "boolean"},
        "acceptFail": {"oneOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "string"}}]},
        "list": {"type": "array", "items": {"$ref": "#/components/schemas/ArgSpec"}}}},
      "TaskSpec": {"type": "object", "required": ["taskId", "actor", "method", "type"], "properties": {
        "taskId": {"type": "string", "format": "uuid"}, "actor": {"type": "string"}, "method": {"type": "string"},
        "type": {"type": "string", "enum": ["worker", "decider"]}, "args": {"type": "array", "items": {"$ref": "#/components/schemas/ArgSpec"}},
        "options": {"type": "object", "properties": {"startTime": {"type": "integer"}, "taskList": {"type": "string"}, "priority": {"type": "integer"},
          "timeoutMs": {"type": "integer"}, "retry": {"$ref": "#/components/schemas/RetryPolicy"}}}}},
      "Decision": {"type": "object", "required": ["taskId", "attempt"], "description": "At most one of result, promise, error", "properties": {
        "taskId": {"type": "string", "format": "uuid"}, "attempt": {"type": "integer"},
        "processId": {"type": "string", "format": "uuid", "description": "The task's process (optional): lets any node route the release to the process's owner without a look-up"}, "result": {},
        "promise": {"type": "string", "format": "uuid"}, "error": {"$ref": "#/components/schemas/TaskError"},
        "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/TaskSpec"}}}},
      "ReleaseResult": {"type": "object", "properties": {"taskId": {"type": "string"}, "status": {"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
        "error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
      "ArgValue": {"type": "object", "description": "Exactly one of value, failed, promise, list", "properties": {
        "value": {}, "failed": {"$ref": "#/components/schemas/TaskError"}, "promise": {"type": "string", "format": "uuid"},
        "list": {"type": "array", "items": {"$ref": "#/components/schemas/ArgValue"}}}},
      "PolledTask": {"type": "object", "properties": {
        "taskId": {"type": "string"}, "processId": {"type": "string"}, "actor": {"type": "string"}, "method": {"type": "string"},
        "type": {"type": "string", "enum": ["worker", "decider"]}, "attempt": {"type": "integer"}, "timeoutMs": {"type": "integer"},
        "args": {"type": "array", "items": {"$ref": "#/components/schemas/ArgValue"}}}},
      "TaskView": {"type": "object", "properties": {
        "taskId": {"type": "string"}, "actor": {"type": "string"}, "method": {"type": "string"}, "type": {"type": "string"}, "start": {"type": "boolean"},
        "parentId": {"type": "string", "nullable": true, "description": "The task whose decision created this one"},
        "state": {"type": "string", "enum": ["waiting", "scheduled", "ready", "running", "completed", "failed", "cancelled"]},
        "promise": {"type": "string", "enum": ["pending", "resolved", "failed"]}, "args": {"type": "array", "items": {"$ref": "#/components/schemas/ArgSpec"}},
        "result": {}, "forwardTo": {"type": "string", "nullable": true}, "error": {"$ref": "#/components/schemas/TaskError"},
        "attempts": {"type": "integer"}, "taskList": {"type": "string"}, "priority": {"type": "integer"}, "timeoutMs": {"type": "integer"},
        "retry": {"$ref": "#/components/schemas/RetryPolicy"}, "notBefore": {"type": "integer", "nullable": true}, "leaseUntil": {"type": "integer", "nullable": true},
        "createdAt": {"type": "integer"}, "readyAt": {"type": "integer", "nullable": true}, "startedAt": {"type": "integer", "nullable": true}, "endedAt": {"type": "integer", "nullable": true}}},
      "Actor": {"type": "object", "properties": {
        "actor": {"type": "string"}, "blocked": {"type": "boolean"}, "lastPollAt": {"type": "integer", "nullable": true},
        "pollers": {"type": "array", "items": {"type": "object", "properties": {"worker": {"type": "string"}, "lastPollAt": {"type": "integer"}}}},
        "ready": {"type": "integer"}, "running": {"type": "integer"}, "waiting": {"type": "integer"}}}
    }
  }
})json";

// A name the API stores (actor, method, task list, worker, error type).
Json nameSchema(std::size_t maxBytes, bool allowEmpty = false) {
  return {{"type", "string"},
          {"minLength", allowEmpty ? 0 : 1},
          {"maxLength", maxBytes},
          {"pattern", "^[^\\u0000-\\u001F\\u007F]*$"},
          {"description", fmt::format("UTF-8 without control characters, at most {} bytes", maxBytes)}};
}

void setRange(Json& schema, std::int64_t minimum, std::int64_t maximum) {
  schema["minimum"] = minimum;
  schema["maximum"] = maximum;
}

// The limits of limits.h, and the error codes, written into the document.
void addLimits(Json& doc) {
  using namespace limits;
  doc["info"]["x-pledge-limits"] = {
      {"jsonDepth", kMaxJsonDepth},
      {"nameBytes", kMaxNameBytes},
      {"customIdBytes", kMaxCustomIdBytes},
      {"errorMessageBytes", kMaxErrorMessageBytes},
      {"decisionsPerRelease", kMaxDecisionsPerRelease},
      {"tasksPerDecision", kMaxTasksPerDecision},
      {"argsPerTask", kMaxArgsPerTask},
      {"listItems", kMaxListItems},
      {"startsPerBatch", kMaxStartsPerBatch},
      {"queuesPerPoll", kMaxQueuesPerPoll},
      {"errorTypes", kMaxErrorTypes},
      {"timeoutMs", kMaxTimeoutMs},
      {"retryDelayMs", kMaxRetryDelayMs},
      {"epochMs", kMaxEpochMs},
      {"retryMultiplier", kMaxRetryMultiplier},
      {"retryAttempts", kMaxRetryAttempts},
  };
  doc["info"]["description"] = doc["info"]["description"].get<std::string>() + fmt::format(
      " Limits (over one is a 4xx naming the field, never a cut): JSON nested at most {} levels; names "
      "(actor, method, taskList, worker, error types) UTF-8 without control characters, at most {} bytes; "
      "customId and requestId at most {} bytes; an error message at most {} bytes; at most {} decisions per "
      "release, {} tasks per decision, {} arguments per task, {} items per list argument, {} starts per batch, "
      "{} queues per poll; timeoutMs 1 to {}; epoch times up to {}. Per server (flags, defaults): "
      "--max-connections 10000 (one more: 503), --idle-timeout-ms 120000, --header-timeout-ms 10000, "
      "--body-timeout-ms 60000, --max-body-bytes 16 MiB (413), --max-waiting-requests 10000 and "
      "--max-queues 10000 (429). 503 means retry: a partition moving between nodes, a node stopping, or a "
      "store that cannot be written now.",
      kMaxJsonDepth, kMaxNameBytes, kMaxCustomIdBytes, kMaxErrorMessageBytes, kMaxDecisionsPerRelease,
      kMaxTasksPerDecision, kMaxArgsPerTask, kMaxListItems, kMaxStartsPerBatch, kMaxQueuesPerPoll, kMaxTimeoutMs,
      kMaxEpochMs);

  Json& schemas = doc["components"]["schemas"];
  Json codes = Json::array();
  for (ErrorCode code : allErrorCodes()) codes.push_back(errorCodeName(code));
  schemas["Error"]["properties"]["error"]["properties"]["code"]["enum"] = codes;

  Json& start = schemas["StartRequest"]["properties"];
  start["actor"].update(nameSchema(kMaxNameBytes));
  start["method"].update(nameSchema(kMaxNameBytes));
  start["taskList"].update(nameSchema(kMaxNameBytes, true));
  start["customId"].update(nameSchema(kMaxCustomIdBytes));
  start["requestId"].update(nameSchema(kMaxCustomIdBytes));
  start["args"]["maxItems"] = kMaxArgsPerTask;
  setRange(start["startTime"], 0, kMaxEpochMs);

  Json& spec = schemas["TaskSpec"]["properties"];
  spec["actor"].update(nameSchema(kMaxNameBytes));
  spec["method"].update(nameSchema(kMaxNameBytes));
  spec["args"]["maxItems"] = kMaxArgsPerTask;
  Json& options = spec["options"]["properties"];
  options["taskList"].update(nameSchema(kMaxNameBytes, true));
  setRange(options["startTime"], 0, kMaxEpochMs);
  setRange(options["timeoutMs"], 1, kMaxTimeoutMs);

  schemas["ArgSpec"]["properties"]["list"]["maxItems"] = kMaxListItems;
  schemas["ArgSpec"]["properties"]["acceptFail"]["oneOf"][1]["maxItems"] = kMaxErrorTypes;
  schemas["ArgSpec"]["properties"]["acceptFail"]["oneOf"][1]["items"] = nameSchema(kMaxNameBytes);
  schemas["Decision"]["properties"]["tasks"]["maxItems"] = kMaxTasksPerDecision;
  schemas["TaskError"]["properties"]["type"].update(nameSchema(kMaxNameBytes));
  schemas["TaskError"]["properties"]["message"]["maxLength"] = kMaxErrorMessageBytes;
  Json& retry = schemas["RetryPolicy"]["properties"];
  setRange(retry["initialMs"], 0, kMaxRetryDelayMs);
  setRange(retry["maxMs"], 0, kMaxRetryDelayMs);
  setRange(retry["maxAttempts"], 0, kMaxRetryAttempts);
  retry["multiplier"]["minimum"] = 1;
  retry["multiplier"]["maximum"] = kMaxRetryMultiplier;
  retry["nonRetryable"]["maxItems"] = kMaxErrorTypes;
  retry["nonRetryable"]["items"] = nameSchema(kMaxNameBytes);

  Json& paths = doc["paths"];
  paths["/api/v1/processes/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
       ["processes"]["maxItems"] = kMaxStartsPerBatch;
  Json& release = paths["/api/v1/tasks/release"]["post"]["requestBody"]["content"]["application/json"]["schema"];
  release["properties"]["decisions"]["maxItems"] = kMaxDecisionsPerRelease;
  for (Json* poll : {&paths["/api/v1/tasks/poll"]["post"]["requestBody"]["content"]["application/json"]["schema"],
                     &release["properties"]["poll"]}) {
    Json& properties = (*poll)["properties"];
    properties["worker"].update(nameSchema(kMaxNameBytes, true));
    properties["actors"]["maxItems"] = kMaxQueuesPerPoll;
    properties["actors"]["items"]["properties"]["actor"].update(nameSchema(kMaxNameBytes));
    properties["actors"]["items"]["properties"]["taskList"].update(nameSchema(kMaxNameBytes, true));
  }
  // Every operation may meet a limit (429), a node that cannot serve it now (503) and, with a body,
  // one over the body limit (413).
  for (auto& [path, operations] : paths.items()) {
    for (auto& [method, operation] : operations.items()) {
      Json& responses = operation["responses"];
      for (const char* status : {"400", "429", "503"}) {
        if (!responses.contains(status)) responses[status] = {{"$ref", "#/components/responses/Error"}};
      }
      if (method == "post" && !responses.contains("413")) {
        responses["413"] = {{"$ref", "#/components/responses/Error"}};
      }
    }
  }
}

}  // namespace

const std::string& openApiDocument() {
  static const std::string document = [] {
    Json doc = Json::parse(kDocument);
    addLimits(doc);
    return doc.dump();
  }();
  return document;
}

}  // namespace pledge::server
