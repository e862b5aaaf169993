// RestClient's calls of schedules (/api/v1/schedules) and ScheduleTrigger as the trigger's
// answer carries it.
#include "pledge/rest_client.h"
#include "rest_json.h"

namespace pledge {
namespace {

std::string schedulePath(const std::string& id) { return "/api/v1/schedules/" + urlEncode(id); }

}  // namespace

void to_json(Json& out, const ScheduleTrigger& trigger) {
  out = Json{
      {"processId", trigger.processId}, {"taskId", trigger.taskId}, {"customId", trigger.customId}};
}

void from_json(const Json& in, ScheduleTrigger& trigger) {
  requireObject(in);
  ScheduleTrigger read;
  read.processId = readField(in, "processId", readUuid);
  read.taskId = readField(in, "taskId", readUuid);
  read.customId = readOptionalField(in, "customId", readString).value_or("");
  trigger = std::move(read);
}

Schedule RestClient::createSchedule(const Schedule& schedule) {
  return call("POST", "/api/v1/schedules", scheduleDefinitionJson(schedule)).get<Schedule>();
}

Schedule RestClient::replaceSchedule(const Schedule& schedule) {
  return call("PUT", schedulePath(schedule.id), scheduleDefinitionJson(schedule)).get<Schedule>();
}

std::vector<Schedule> RestClient::schedules() {
  return readField(call("GET", "/api/v1/schedules"), "items", readArray<Schedule>);
}

Schedule RestClient::schedule(const std::string& id) {
  return call("GET", schedulePath(id)).get<Schedule>();
}

void RestClient::deleteSchedule(const std::string& id) { call("DELETE", schedulePath(id)); }

Schedule RestClient::pauseSchedule(const std::string& id) {
  return call("POST", schedulePath(id) + "/pause").get<Schedule>();
}

Schedule RestClient::resumeSchedule(const std::string& id) {
  return call("POST", schedulePath(id) + "/resume").get<Schedule>();
}

ScheduleTrigger RestClient::triggerSchedule(const std::string& id) {
  return call("POST", schedulePath(id) + "/trigger").get<ScheduleTrigger>();
}

}  // namespace pledge
