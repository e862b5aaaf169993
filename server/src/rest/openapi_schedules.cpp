// The schedules part of the OpenAPI document (docs/rest.md "Schedules"): the operations of
// /api/v1/schedules, written as the document's paths hold them, and the Schedule schemas.
#include "pledge/schedule.h"
#include "rest/openapi_operation.h"

namespace pledge::server::openapi {
namespace {

Json idParameter() {
  return {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", text()}};
}
Json body(Json schema) {
  return {{"required", true}, {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}
Json operation(std::string_view summary, bool aboutOne, Json responses, Json requestBody = {}) {
  Json written = {{"summary", summary}, {"responses", std::move(responses)}};
  if (aboutOne) written["parameters"] = Json::array({idParameter()});
  if (!requestBody.is_null()) written["requestBody"] = std::move(requestBody);
  return written;
}

}  // namespace

Json scheduleSchemas() {
  using namespace schedule_limits;
  Json definition = object(
      {"id", "cron", "start"},
      {{"id", described(with(text(), {{"pattern", "^[A-Za-z0-9_.-]{1,100}$"}}), "Unique")},
       {"cron", described(with(text(), {{"maxLength", kMaxCronBytes}}),
                          "5 fields (minute hour day-of-month month day-of-week), 6 (seconds "
                          "first), @yearly @monthly @weekly @daily @hourly, or \"@every 10m\"")},
       {"timeZone", described(with(text(), {{"default", "UTC"}}), "An IANA time zone")},
       {"start", described(ref("StartRequest"),
                           "What each fire starts, without customId, requestId and startTime")},
       {"overlap", with(textOneOf({"skip", "bufferOne", "allow"}), {{"default", "skip"}})},
       {"catchupWindowMs",
        described(with(int64(), {{"minimum", 0}, {"maximum", kMaxCatchupWindowMs}}),
                  "Fires missed (downtime) younger than this start on return, at most 100")},
       {"jitterMs", described(with(int64(), {{"minimum", 0}, {"maximum", kMaxJitterMs}}),
                              "Each fire waits a delay of 0 to jitterMs, the same on every node")},
       {"paused", boolean()},
       {"note", text()}});
  Json fire =
      object({{"fireAt", int64()}, {"processId", nullable(uuid())}, {"skipped", boolean()}});
  Json schedule = definition;
  schedule["required"] = Json::array({"id", "cron", "start", "createdAt"});
  schedule["properties"].update({
      {"createdAt", int64()},
      {"nextFireAt", described(nullable(int64()), "Epoch ms; null while paused")},
      {"lastFireAt", nullable(int64())},
      {"lastProcessId", nullable(uuid())},
      {"bufferedFireAt", described(nullable(int64()), "bufferOne: the fire waiting")},
      {"upcoming", described(arrayOf(int64()), "The next 5 fire times (one schedule's GET)")},
      {"recent", described(arrayOf(ref("ScheduleFire")), "The last 10 fires, newest first")},
  });
  return {{"ScheduleDefinition", std::move(definition)},
          {"Schedule", std::move(schedule)},
          {"ScheduleFire", std::move(fire)}};
}

Json scheduleOperations() {
  const Json one = ref("Schedule");
  const Json problems = {{"400", errorAnswer()}, {"404", errorAnswer()}};
  auto withProblems = [&](Json responses) {
    responses.update(problems);
    return responses;
  };
  return {
      {"/api/v1/schedules",
       {{"post", operation("Create a schedule: a process started on a cron rule", false,
                           {{"201", answer("Created", one)},
                            {"200", answer("The same definition existed already", one)},
                            {"400", errorAnswer()},
                            {"409", errorAnswer()}},
                           body(ref("ScheduleDefinition")))},
        {"get", operation("Every schedule, by id", false,
                          {{"200", answer("Schedules", object({{"items", arrayOf(one)}}))}})}}},
      {"/api/v1/schedules/{id}",
       {{"get", operation("A schedule with its upcoming and recent fires", true,
                          withProblems({{"200", answer("The schedule", one)}}))},
        {"put", operation("Replace a schedule's definition (its fire history stays)", true,
                          withProblems({{"200", answer("The schedule", one)}}),
                          body(ref("ScheduleDefinition")))},
        {"delete", operation("Delete a schedule", true,
                             withProblems({{"204", {{"description", "Deleted"}}}}))}}},
      {"/api/v1/schedules/{id}/pause",
       {{"post", operation("Pause a schedule: no fire until resumed (idempotent)", true,
                           withProblems({{"200", answer("The schedule", one)}}))}}},
      {"/api/v1/schedules/{id}/resume",
       {{"post", operation("Resume a schedule: the next fire is the first after now", true,
                           withProblems({{"200", answer("The schedule", one)}}))}}},
      {"/api/v1/schedules/{id}/trigger",
       {{"post", operation("Fire now, paused or not, whatever runs (customId "
                           "schedule:<id>@trigger:<epoch ms>)",
                           true,
                           withProblems({{"200", answer("The process started",
                                                        object({{"processId", uuid()},
                                                                {"taskId", uuid()},
                                                                {"customId", text()}}))}}))}}},
  };
}

}  // namespace pledge::server::openapi
