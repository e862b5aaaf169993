#include "pledge/task_spec.h"

#include "pledge/limits.h"
#include "pledge/text.h"

namespace pledge {

std::string_view taskTypeName(TaskType type) {
  switch (type) {
    case TaskType::Worker: return "worker";
    case TaskType::Decider: return "decider";
    case TaskType::Event: return "event";
    case TaskType::Timer: return "timer";
  }
  return "worker";
}

std::optional<TaskType> taskTypeFromName(std::string_view name) {
  if (name == "worker") return TaskType::Worker;
  if (name == "decider") return TaskType::Decider;
  if (name == "event") return TaskType::Event;
  if (name == "timer") return TaskType::Timer;
  return std::nullopt;
}

std::optional<std::string> checkActorId(std::string_view actor) {
  if (auto problem = checkName(actor, limits::kMaxNameBytes)) return problem;
  auto hash = actor.find('#');
  if (hash == std::string_view::npos) {
    return "expected \"Name#version\", got \"" + quoteInput(actor) + "\"";
  }
  if (hash == 0) return "the actor name before '#' is empty";
  if (hash + 1 == actor.size()) return "the actor version after '#' is empty";
  if (actor.find('#', hash + 1) != std::string_view::npos) {
    return "an actor id has exactly one '#', got \"" + quoteInput(actor) + "\"";
  }
  return std::nullopt;
}

std::optional<std::string> checkMethodName(std::string_view method) {
  return checkName(method, limits::kMaxNameBytes);
}

std::optional<std::string> checkTaskList(std::string_view taskList) {
  return checkName(taskList, limits::kMaxNameBytes, /*allowEmpty=*/true);
}

namespace {

template <typename Check>
std::string readChecked(const Json& value, Check check) {
  std::string text = readString(value);
  if (!limits::enforced()) return text;
  if (auto problem = check(text)) throw JsonError(*problem);
  return text;
}

}  // namespace

std::string readActorId(const Json& value) { return readChecked(value, checkActorId); }
std::string readMethodName(const Json& value) { return readChecked(value, checkMethodName); }
std::string readTaskList(const Json& value) { return readChecked(value, checkTaskList); }

void to_json(Json& out, const TaskType& type) { out = taskTypeName(type); }

void from_json(const Json& in, TaskType& type) {
  std::string name = readString(in);
  auto parsed = taskTypeFromName(name);
  if (!parsed) throw JsonError("expected \"worker\", \"decider\", \"event\" or \"timer\", got \"" +
                              name + "\"");
  type = *parsed;
}

void to_json(Json& out, const TaskSpec& task) {
  Json args = Json::array();
  for (const ArgSpec& arg : task.args) args.push_back(arg);
  out = Json{{"taskId", task.taskId}, {"actor", task.actor},       {"method", task.method},
             {"type", task.type},     {"args", std::move(args)}, {"options", task.options}};
  if (task.processDeadline) out["processDeadline"] = *task.processDeadline;
}

void from_json(const Json& in, TaskSpec& task) {
  rejectUnknownFields(in,
                      {"taskId", "actor", "method", "type", "args", "options", "processDeadline"});
  TaskSpec result;
  result.taskId = readField(in, "taskId", readUuid);
  result.actor = readField(in, "actor", readActorId);
  result.method = readField(in, "method", readMethodName);
  result.type = readField(in, "type", [](const Json& value) { return value.get<TaskType>(); });
  result.args = readOptionalField(in, "args", [](const Json& args) {
                  return readArrayOfAtMost<ArgSpec>(args, limits::kMaxArgsPerTask);
                }).value_or(std::vector<ArgSpec>{});
  if (const Json* options = optionalField(in, "options")) {
    result.options = atField("options", [&] { return options->get<CallOptions>(); });
  }
  result.processDeadline = readOptionalField(in, "processDeadline", readEpochMs);
  task = std::move(result);
}

}  // namespace pledge
