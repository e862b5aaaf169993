#include "pledge/decision.h"

#include "pledge/limits.h"

namespace pledge {

void to_json(Json& out, const Decision& decision) {
  out = Json{{"taskId", decision.taskId}, {"attempt", decision.attempt}};
  if (decision.processId) out["processId"] = *decision.processId;
  if (decision.error) {
    out["error"] = *decision.error;
  } else if (decision.promise) {
    out["promise"] = *decision.promise;
  } else {
    out["result"] = decision.result;
  }
  Json tasks = Json::array();
  for (const TaskSpec& task : decision.tasks) tasks.push_back(task);
  out["tasks"] = std::move(tasks);
}

void from_json(const Json& in, Decision& decision) {
  rejectUnknownFields(in,
                      {"taskId", "processId", "attempt", "result", "promise", "error", "tasks"});
  Decision result;
  result.taskId = readField(in, "taskId", readUuid);
  result.processId = readOptionalField(in, "processId", readUuid);
  result.attempt = static_cast<int>(readField(in, "attempt", [](const Json& value) {
    std::int64_t attempt = readInt(value);
    if (attempt < 1 || attempt > 1'000'000'000) {
      throw JsonError("must be a positive attempt number, got " + value.dump());
    }
    return attempt;
  }));
  const int outcomes = static_cast<int>(in.contains("result")) +
                       static_cast<int>(in.contains("promise")) +
                       static_cast<int>(in.contains("error"));
  if (outcomes > 1) throw JsonError("expected at most one of result, promise, error");
  if (in.contains("result")) result.result = in["result"];
  result.promise = readOptionalField(in, "promise", readUuid);
  if (const Json* error = optionalField(in, "error")) {
    result.error = atField("error", [&] { return error->get<TaskError>(); });
  }
  result.tasks = readOptionalField(in, "tasks", [](const Json& tasks) {
                   return readArrayOfAtMost<TaskSpec>(tasks, limits::kMaxTasksPerDecision);
                 }).value_or(std::vector<TaskSpec>{});
  if (result.error && !result.tasks.empty()) {
    failAtField("tasks", "a decision with an error creates no tasks");
  }
  decision = std::move(result);
}

}  // namespace pledge
