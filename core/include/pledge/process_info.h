// ProcessInfo: what the API says about one process (one run of a decider's execute method).
//
// Wire form (GET /api/v1/processes/{id}):
//   {"processId","taskId","customId","actor","method","state":"running|completed|broken|aborted",
//    "startedAt","endedAt","result","error","failedTaskId","paused","tags","deadline"?}
// customId, endedAt, error and failedTaskId are null when not applicable; result is null until
// the process completes; tags is {} for a process started without tags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pledge/json.h"
#include "pledge/tags.h"
#include "pledge/task_error.h"
#include "pledge/uuid.h"

namespace pledge {

enum class ProcessState {
  Running,    // started (or scheduled) and not ended
  Completed,  // the start task's promise resolved and nothing of the process is left to run
  Broken,     // a task failed for good and a waiting task cannot take the failure
  Aborted,    // an operator aborted it
};

std::string_view processStateName(ProcessState state);
std::optional<ProcessState> processStateFromName(std::string_view name);

// A plain value; copyable, compared by value.
struct ProcessInfo {
  Uuid processId;
  // The start task: the decider's execute method.
  Uuid taskId;
  std::optional<std::string> customId;
  std::string actor;
  std::string method;
  ProcessState state = ProcessState::Running;
  // Epoch milliseconds.
  std::int64_t startedAt = 0;
  std::optional<std::int64_t> endedAt;
  Json result;
  // Broken: the error of the task that failed for good, and that task.
  std::optional<TaskError> error;
  std::optional<Uuid> failedTaskId;
  // Paused (docs/operations.md): none of its tasks is handed out until it is resumed.
  bool paused = false;
  // Given by the start request (StartOptions::tags); never change.
  Tags tags;
  // Its deadline (epoch ms) when it has one (StartOptions::deadlineMs); stored with the process,
  // so answered in every state, ended and dormant ones included.
  std::optional<std::int64_t> deadline;

  bool ended() const { return state == ProcessState::Completed || state == ProcessState::Aborted; }

  bool operator==(const ProcessInfo&) const = default;
};

void to_json(Json& out, const ProcessState& state);
void from_json(const Json& in, ProcessState& state);
void to_json(Json& out, const ProcessInfo& process);
void from_json(const Json& in, ProcessInfo& process);

}  // namespace pledge
