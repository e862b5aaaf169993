#include "pledge/process_info.h"

#include <array>
#include <utility>

namespace pledge {
namespace {

constexpr std::array<std::pair<ProcessState, std::string_view>, 4> kStateNames{{
    {ProcessState::Running, "running"},
    {ProcessState::Completed, "completed"},
    {ProcessState::Broken, "broken"},
    {ProcessState::Aborted, "aborted"},
}};

}  // namespace

std::string_view processStateName(ProcessState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "running";
}

std::optional<ProcessState> processStateFromName(std::string_view name) {
  for (const auto& [s, n] : kStateNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

void to_json(Json& out, const ProcessState& state) { out = processStateName(state); }

void from_json(const Json& in, ProcessState& state) {
  std::string name = readString(in);
  auto parsed = processStateFromName(name);
  if (!parsed) {
    throw JsonError("expected running, completed, broken or aborted, got \"" + name + "\"");
  }
  state = *parsed;
}

void to_json(Json& out, const ProcessInfo& process) {
  out = Json{{"processId", process.processId},
             {"taskId", process.taskId},
             {"customId", process.customId},
             {"actor", process.actor},
             {"method", process.method},
             {"state", process.state},
             {"startedAt", process.startedAt},
             {"endedAt", process.endedAt},
             {"result", process.result},
             {"error", process.error},
             {"failedTaskId", process.failedTaskId},
             {"paused", process.paused},
             {"tags", tagsJson(process.tags)}};
  if (process.deadline) out["deadline"] = *process.deadline;
}

void from_json(const Json& in, ProcessInfo& process) {
  ProcessInfo result;
  result.processId = readField(in, "processId", readUuid);
  result.taskId = readField(in, "taskId", readUuid);
  result.customId = readOptionalField(in, "customId", readString);
  result.actor = readField(in, "actor", readString);
  result.method = readField(in, "method", readString);
  result.state =
      readField(in, "state", [](const Json& value) { return value.get<ProcessState>(); });
  result.startedAt = readField(in, "startedAt", readInt);
  result.endedAt = readOptionalField(in, "endedAt", readInt);
  if (in.contains("result")) result.result = in["result"];
  result.error = readOptionalField(in, "error", [](const Json& value) {
    return value.get<TaskError>();
  });
  result.failedTaskId = readOptionalField(in, "failedTaskId", readUuid);
  result.paused = readOptionalField(in, "paused", readBool).value_or(false);
  result.tags = readOptionalField(in, "tags", readTags).value_or(Tags{});
  result.deadline = readOptionalField(in, "deadline", readEpochMs);
  process = std::move(result);
}

}  // namespace pledge
