#include "pledge/start_request.h"

#include "pledge/call_options.h"
#include "pledge/limits.h"
#include "pledge/task_spec.h"
#include "pledge/text.h"

namespace pledge {

void to_json(Json& out, const StartRequest& request) {
  out = Json{{"actor", request.actor}, {"method", request.method}, {"args", request.args}};
  if (request.options.customId) out["customId"] = *request.options.customId;
  if (request.options.startTime) out["startTime"] = *request.options.startTime;
  if (request.options.taskList) out["taskList"] = *request.options.taskList;
  if (request.options.requestId) out["requestId"] = *request.options.requestId;
  if (!request.options.tags.empty()) out["tags"] = tagsJson(request.options.tags);
  if (request.options.scheduleToStartMs) {
    out["scheduleToStartMs"] = *request.options.scheduleToStartMs;
  }
  if (request.options.deadlineMs) out["deadlineMs"] = *request.options.deadlineMs;
}

void from_json(const Json& in, StartRequest& request) {
  rejectUnknownFields(in, {"actor", "method", "args", "customId", "startTime", "taskList",
                           "requestId", "tags", "scheduleToStartMs", "deadlineMs"});
  StartRequest result;
  result.actor = readField(in, "actor", readActorId);
  result.method = readField(in, "method", readMethodName);
  if (const Json* args = optionalField(in, "args")) {
    atField("args", [&] { requireArrayOfAtMost(*args, limits::kMaxArgsPerTask); });
    result.args = *args;
  }
  auto readId = [](const Json& value) {
    std::string id = readString(value);
    if (auto problem = checkName(id, limits::kMaxCustomIdBytes)) throw JsonError(*problem);
    return id;
  };
  result.options.customId = readOptionalField(in, "customId", readId);
  result.options.startTime = readOptionalField(in, "startTime", readEpochMs);
  result.options.taskList = readOptionalField(in, "taskList", readTaskList);
  result.options.requestId = readOptionalField(in, "requestId", readId);
  result.options.tags = readOptionalField(in, "tags", readTags).value_or(Tags{});
  result.options.scheduleToStartMs =
      readOptionalField(in, "scheduleToStartMs", readDurationMs);
  result.options.deadlineMs = readOptionalField(in, "deadlineMs", readDurationMs);
  request = std::move(result);
}

void to_json(Json& out, const StartedProcess& started) {
  out = Json{{"processId", started.processId}, {"taskId", started.taskId}};
  if (started.existing) out["existing"] = true;
}

void from_json(const Json& in, StartedProcess& started) {
  started.processId = readField(in, "processId", readUuid);
  started.taskId = readField(in, "taskId", readUuid);
  started.existing = readOptionalField(in, "existing", readBool).value_or(false);
}

}  // namespace pledge
