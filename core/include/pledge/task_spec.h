// TaskSpec: one call of one actor method, recorded by a decider (or made by the server for a
// process's start task) and shipped in a Decision.
//
// Wire form:
//   {"taskId":"<uuid>","actor":"MailService#1.0","method":"send","type":"worker",
//    "args":[{"value":"a@b.c"},{"promise":"<uuid>"}],"options":{"timeoutMs":30000}}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/arg_spec.h"
#include "pledge/call_options.h"
#include "pledge/json.h"
#include "pledge/uuid.h"

namespace pledge {

// Who runs a task: a worker, or a decider (its execute method or an asynchronous one). The
// server itself settles the other two (docs/events.md):
// - Event: waits for an event named `method` whose correlation key is its one argument; resolves
//   with the payload of the first matching event, fails with kTimeoutError after
//   options.timeoutMs (when set).
// - Timer: resolves options.timeoutMs after it became ready, with that time (epoch ms), so its
//   promise can be the argument of a call (pledge::after).
enum class TaskType { Worker, Decider, Event, Timer };

std::string_view taskTypeName(TaskType type);
std::optional<TaskType> taskTypeFromName(std::string_view name);

// A plain value; copyable, compared by value.
struct TaskSpec {
  Uuid taskId;
  // "Name#version".
  std::string actor;
  std::string method;
  TaskType type = TaskType::Worker;
  std::vector<ArgSpec> args;
  CallOptions options;
  // A start task's only: its process's deadline (epoch ms, from StartOptions::deadlineMs); kept
  // in the spec so that it survives restarts and moves with the partition.
  std::optional<std::int64_t> processDeadline;

  bool operator==(const TaskSpec&) const = default;
};

// Checks the form of an actor id, "Name#version" with a non-empty name and version, a name as
// checkName (text.h) takes it; the message says what is wrong, nullopt when it is well formed.
std::optional<std::string> checkActorId(std::string_view actor);
// A method name: not empty, a name as checkName takes it.
std::optional<std::string> checkMethodName(std::string_view method);
// A task list: a name as checkName takes it, "" (the default list) included.
std::optional<std::string> checkTaskList(std::string_view taskList);

// JSON readers of the above.
std::string readActorId(const Json& value);
std::string readMethodName(const Json& value);
std::string readTaskList(const Json& value);

void to_json(Json& out, const TaskType& type);
void from_json(const Json& in, TaskType& type);
void to_json(Json& out, const TaskSpec& task);
void from_json(const Json& in, TaskSpec& task);

}  // namespace pledge
