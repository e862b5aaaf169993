// The OpenAPI 3 document of REST API v1, served at GET /api/v1/openapi.json (and describing that
// route too). It is built from the table of operations below (those of processes, events,
// workflows and tasks; openapi_service.cpp and openapi_schedules.cpp hold the others) and the
// component schemas; the limits (limits.h) and the error codes (error.h) are added to them from
// the code (openapi_limits.cpp), so that the document states what the server enforces.
// tests/server/openapi_test.cpp holds the operations and RestApi's routes to the same set of
// (method, path).
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "pledge/server/rest/rest_api.h"
#include "rest/openapi_limits.h"
#include "rest/openapi_operation.h"
#include "rest/openapi_schema.h"
#include "rest/routes.h"

namespace pledge::server {
namespace openapi {
namespace {

// ---- operations ---------------------------------------------------------------------------

Json pollSchema() {
  return object(
      {"actors"},
      {{"worker", text()},
       {"actors", arrayOf(object({"actor"}, {{"actor", text()}, {"taskList", text()}}))},
       {"max", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 1}}},
       {"waitMs", {{"type", "integer"}, {"minimum", 0}, {"maximum", 60000}, {"default", 0}}}});
}

std::vector<Operation> operations() {
  const Json process = answer("The process", ref("Process"));
  std::vector<Operation> operations = {
      {"POST",
       "/api/v1/processes",
       "Start a process (idempotent by customId)",
       {},
       ref("StartRequest"),
       {{"201", answer("Started", ref("StartedProcess"))},
        {"200", answer("A process with this customId exists; its ids", ref("StartedProcess"))},
        {"400", errorAnswer()},
        {"413", errorAnswer()}}},
      {"GET",
       "/api/v1/processes",
       "List processes, newest first",
       {queryParameter("state", described(textOneOf({"running", "paused", "completed", "broken",
                                                     "aborted"}),
                                          "paused: running or broken, and paused")),
        described(queryParameter("actor", text()),
                  "Decider actor id, e.g. NotificationDecider#1.0"),
        queryParameter("customId", text()),
        described(with(queryParameter("tag", arrayOf(text())), {{"explode", true}}),
                  "KEY:VALUE, repeatable: only processes with every tag given"),
        described(queryParameter("startedAfter", int64()), "Epoch ms, inclusive"),
        described(queryParameter("startedBefore", int64()), "Epoch ms, exclusive"),
        queryParameter("limit",
                       {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 50}}),
        described(queryParameter("cursor", text()), "The next of the previous page")},
       nullptr,
       {{"200", answer("A page",
                       object({{"items", arrayOf(ref("Process"))}, {"next", nullable(text())}}))},
        {"400", errorAnswer()}}},
      {"POST",
       "/api/v1/processes/batch",
       "Start up to 1000 processes in one request (each as POST /api/v1/processes)",
       {},
       object({"processes"},
              {{"processes", with(arrayOf(ref("StartRequest")), {{"maxItems", 1000}})}}),
       {{"200", answer("One result per process, in order: its ids, or an error object",
                       object({{"results",
                                arrayOf({{"oneOf", {ref("StartedProcess"), ref("Error")}}})}}))},
        {"400", errorAnswer()}}},
      {"GET",
       "/api/v1/processes/{id}",
       "One process",
       {parameterRef("ProcessId")},
       nullptr,
       {{"200", process}, {"404", errorAnswer()}}},
      {"GET",
       "/api/v1/processes/{id}/tasks",
       "Every task of a process",
       {parameterRef("ProcessId")},
       nullptr,
       {{"200", answer("Tasks in creation order", arrayOf(ref("TaskView")))},
        {"404", errorAnswer()}}},
      {"GET",
       "/api/v1/processes/{id}/result",
       "Long-poll until the process completes, breaks or is aborted",
       {parameterRef("ProcessId"),
        queryParameter("waitMs",
                       {{"type", "integer"}, {"minimum", 0}, {"maximum", 300000}, {"default", 0}})},
       nullptr,
       {{"200", answer("The process as it is when it ended or waitMs passed", ref("Process"))},
        {"404", errorAnswer()}}},
      {"POST",
       "/api/v1/processes/{id}/restart",
       "Give the failed tasks of a broken process a new attempt",
       {parameterRef("ProcessId")},
       nullptr,
       {{"200", process}, {"404", errorAnswer()}, {"409", errorAnswer()}}},
      {"POST",
       "/api/v1/processes/{id}/abort",
       "Abort a running or broken process",
       {parameterRef("ProcessId")},
       nullptr,
       {{"200", process}, {"404", errorAnswer()}, {"409", errorAnswer()}}},
      {"POST",
       "/api/v1/processes/{id}/pause",
       "Pause a running or broken process: none of its tasks is handed out until it is resumed "
       "(running ones finish); idempotent",
       {parameterRef("ProcessId")},
       nullptr,
       {{"200", process}, {"404", errorAnswer()}, {"409", errorAnswer()}}},
      {"POST",
       "/api/v1/processes/{id}/resume",
       "Resume a paused process: its held-back tasks are handed out again; idempotent",
       {parameterRef("ProcessId")},
       nullptr,
       {{"200", process}, {"404", errorAnswer()}, {"409", errorAnswer()}}},
      {"POST",
       "/api/v1/processes/{id}/events",
       "Send an event to the event tasks of one process that wait for its name (and key, "
       "unless it is \"\"); kept for the process when none waits yet",
       {parameterRef("ProcessId")},
       ref("Event"),
       {{"200", answer("What the event did", ref("EventDelivery"))},
        {"400", errorAnswer()},
        {"404", errorAnswer()},
        {"409", errorAnswer()}}},
      {"POST",
       "/api/v1/events",
       "Send an event to every event task waiting for its name and key, on any node; kept for "
       "the first one to come when none waits (idempotent by id)",
       {},
       ref("Event"),
       {{"200", answer("What the event did", ref("EventDelivery"))}, {"400", errorAnswer()}}},
      {"GET",
       "/api/v1/events",
       "Events kept for a waiter to come, oldest first",
       {queryParameter("name", text()),
        queryParameter("limit",
                       {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 100}})},
       nullptr,
       {{"200", answer("Kept events", object({{"items", arrayOf(ref("KeptEvent"))}}))},
        {"400", errorAnswer()}}},
      {"POST",
       "/api/v1/workflows",
       "Register a workflow definition (Conductor's JSON schema); a version never changes",
       {},
       described(anyValue(), "The definition: name, version, tasks, ... (docs/workflows.md)"),
       {{"201", answer("Registered", ref("Workflow"))},
        {"200", answer("This version held the same definition already", ref("Workflow"))},
        {"400", answer("The definition does not hold together; the message starts with the "
                       "JSON pointer of the field")},
        {"409", errorAnswer()}}},
      {"GET",
       "/api/v1/workflows",
       "Every version of every registered workflow",
       {},
       nullptr,
       {{"200", answer("Workflows", object({{"items", arrayOf(ref("WorkflowSummary"))}}))}}},
      {"GET",
       "/api/v1/workflows/{name}",
       "The latest version of a workflow, with its definition",
       {{{"name", "name"}, {"in", "path"}, {"required", true}, {"schema", text()}}},
       nullptr,
       {{"200", answer("The workflow", ref("Workflow"))}, {"404", errorAnswer()}}},
      {"GET",
       "/api/v1/workflows/{name}/{version}",
       "One version of a workflow, with its definition",
       {{{"name", "name"}, {"in", "path"}, {"required", true}, {"schema", text()}},
        {{"name", "version"}, {"in", "path"}, {"required", true}, {"schema", integer()}}},
       nullptr,
       {{"200", answer("The workflow", ref("Workflow"))}, {"404", errorAnswer()}}},
      {"POST",
       "/api/v1/tasks/poll",
       "Lease ready tasks; waits up to waitMs for the first one",
       {},
       pollSchema(),
       {{"200",
         answer("Leased tasks (maybe none)", object({{"tasks", arrayOf(ref("PolledTask"))}}))},
        {"400", errorAnswer()}}},
      {"POST",
       "/api/v1/tasks/release",
       "Report decisions; each is applied atomically and durably before the answer",
       {},
       object(
           {"decisions"},
           {{"decisions", arrayOf(ref("Decision"))},
            {"poll", described(pollSchema(),
                               "Optional: once the decisions are durable, lease tasks as POST "
                               "/api/v1/tasks/poll would (its body); they come back in tasks")}}),
       {{"200", answer("Per-decision status (and the tasks leased, when the body had a poll)",
                       object({{"results", arrayOf(ref("ReleaseResult"))},
                               {"tasks", arrayOf(ref("PolledTask"))}}))},
        {"400", errorAnswer()},
        {"404", errorAnswer()},
        {"409",
         answer("Every decision was rejected; the first rejection's error, and every result")}}},
      {"POST",
       "/api/v1/tasks/{id}/heartbeat",
       "Extend the lease of the current attempt by its timeoutMs",
       {{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", uuid()}}},
       object({"attempt"}, {{"attempt", integer()}}),
       {{"200", answer("Extended")}, {"404", errorAnswer()}, {"409", errorAnswer()}}},
      {"GET",
       "/api/v1/tasks/{id}",
       "One task with the input a poll hands it and the decision it made",
       {{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", uuid()}}},
       nullptr,
       {{"200", answer("The task", ref("TaskRecord"))}, {"404", errorAnswer()}}},
  };
  for (Operation& operation : serviceOperations()) operations.push_back(std::move(operation));
  return operations;
}

// ---- the document ------------------------------------------------------------------------

Json components() {
  return {
      {"parameters",
       {{"ProcessId", {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", uuid()}}},
        {"Actor",
         {{"name", "actor"},
          {"in", "path"},
          {"required", true},
          {"schema", text()},
          {"description", "Name#version, URL-encoded (# as %23)"}}}}},
      {"responses", {{"Error", answer("An error", ref("Error"))}}},
      {"schemas", [] {
         Json schemas = componentSchemas();
         schemas.update(scheduleSchemas());
         return schemas;
       }()},
  };
}

// The document the operations and components describe, before addLimits.
Json describedDocument() {
  Json paths = Json::object();
  for (Operation& operation : operations()) {
    std::string method = operation.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Json written = {{"summary", operation.summary}};
    if (!operation.parameters.empty()) written["parameters"] = std::move(operation.parameters);
    if (!operation.requestBody.is_null()) {
      written["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", std::move(operation.requestBody)}}}}}};
    }
    Json& responses = written["responses"] = Json::object();
    for (auto& [status, response] : operation.responses) responses[status] = std::move(response);
    paths[operation.path][method] = std::move(written);
  }
  const Json schedules = scheduleOperations();
  for (const auto& [path, methods] : schedules.items()) paths[path] = methods;
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Pledge REST API"},
            {"version", "1"},
            {"description",
             "Start and operate processes, poll and release tasks. Errors are "
             "{\"error\":{\"code\",\"message\"}} with a 4xx/5xx status."}}},
          {"paths", std::move(paths)},
          {"components", components()}};
}

}  // namespace
}  // namespace openapi

const std::string& openApiDocument() {
  static const std::string document = [] {
    Json doc = openapi::describedDocument();
    openapi::addLimits(doc);
    addSecurity(doc);
    return doc.dump();
  }();
  return document;
}

}  // namespace pledge::server
