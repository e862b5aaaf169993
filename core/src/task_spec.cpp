#include "pledge/task_spec.h"

namespace pledge {

std::string_view taskTypeName(TaskType type) {
  return type == TaskType::Worker ? "worker" : "decider";
}

std::optional<TaskType> taskTypeFromName(std::string_view name) {
  if (name == "worker") return TaskType::Worker;
  if (name == "decider") return TaskType::Decider;
  return std::nullopt;
}

std::optional<std::string> checkActorId(std::string_view actor) {
  auto hash = actor.find('#');
  if (hash == std::string_view::npos) {
    return "expected \"Name#version\", got \"" + std::string(actor) + "\"";
  }
  if (hash == 0) return "the actor name before '#' is empty";
  if (hash + 1 == actor.size()) return "the actor version after '#' is empty";
  if (actor.find('#', hash + 1) != std::string_view::npos) {
    return "an actor id has exactly one '#', got \"" + std::string(actor) + "\"";
  }
  return std::nullopt;
}

std::string readActorId(const Json& value) {
  std::string actor = readString(value);
  if (auto problem = checkActorId(actor)) throw JsonError(*problem);
  return actor;
}

std::string readMethodName(const Json& value) {
  std::string method = readString(value);
  if (method.empty()) throw JsonError("must not be empty");
  return method;
}

void to_json(Json& out, const TaskType& type) { out = taskTypeName(type); }

void from_json(const Json& in, TaskType& type) {
  std::string name = readString(in);
  auto parsed = taskTypeFromName(name);
  if (!parsed) throw JsonError("expected \"worker\" or \"decider\", got \"" + name + "\"");
  type = *parsed;
}

void to_json(Json& out, const TaskSpec& task) {
  Json args = Json::array();
  for (const ArgSpec& arg : task.args) args.push_back(arg);
  out = Json{{"taskId", task.taskId}, {"actor", task.actor},       {"method", task.method},
             {"type", task.type},     {"args", std::move(args)}, {"options", task.options}};
}

void from_json(const Json& in, TaskSpec& task) {
  rejectUnknownFields(in, {"taskId", "actor", "method", "type", "args", "options"});
  TaskSpec result;
  result.taskId = readField(in, "taskId", readUuid);
  result.actor = readField(in, "actor", readActorId);
  result.method = readField(in, "method", readMethodName);
  result.type = readField(in, "type", [](const Json& value) { return value.get<TaskType>(); });
  result.args = readOptionalField(in, "args", readArray<ArgSpec>).value_or(std::vector<ArgSpec>{});
  if (const Json* options = optionalField(in, "options")) {
    result.options = atField("options", [&] { return options->get<CallOptions>(); });
  }
  task = std::move(result);
}

}  // namespace pledge
