#include "pledge/detail/generated_support.h"

#include "pledge/error.h"
#include "pledge/task_recorder.h"

namespace pledge::detail {

Uuid recordCall(std::string_view actor, std::string_view method, TaskType type,
                std::vector<ArgSpec> args, CallOptions options) {
  TaskRecorder* recorder = currentRecorder();
  PLEDGE_REQUIRE(recorder != nullptr,
                 "{}.{} was called outside a decider task: proxies record tasks only while a "
                 "decider method runs (use the decider's Starter to start a process from outside)",
                 actor, method);
  TaskSpec task;
  task.taskId = Uuid::random();
  task.actor = std::string(actor);
  task.method = std::string(method);
  task.type = type;
  task.args = std::move(args);
  task.options = std::move(options);
  Uuid id = task.taskId;
  recorder->record(std::move(task));
  return id;
}

ArgSpec withFlags(ArgSpec arg, const PromiseFlags& flags) {
  switch (arg.kind) {
    case ArgSpec::Kind::Value: break;
    case ArgSpec::Kind::Promise: arg.flags = flags; break;
    case ArgSpec::Kind::List:
      for (ArgSpec& item : arg.list) item = withFlags(std::move(item), flags);
      break;
  }
  return arg;
}

StartedProcess startProcess(ProcessStarter& starter, std::string_view actor,
                            std::string_view method, Json args, const StartOptions& options) {
  StartRequest request;
  request.actor = std::string(actor);
  request.method = std::string(method);
  request.args = std::move(args);
  request.options = options;
  return starter.start(request);
}

void requireArgCount(const PolledTask& task, std::size_t count) {
  if (task.args.size() != count) {
    throw TaskError(kBadArgumentsError,
                    fmt::format("{}.{} takes {} arguments, the task has {}", task.actor,
                                task.method, count, task.args.size()),
                    /*retryable=*/false);
  }
}

void throwUnknownMethod(const PolledTask& task) {
  throw TaskError(kUnknownMethodError,
                  fmt::format("actor {} has no method \"{}\" (is the worker built from an older "
                              "IDL?)",
                              task.actor, task.method),
                  /*retryable=*/false);
}

Json resolvedJson(const ArgValue& arg) {
  switch (arg.kind) {
    case ArgValue::Kind::Value: return arg.value;
    case ArgValue::Kind::List: {
      Json items = Json::array();
      for (std::size_t i = 0; i < arg.list.size(); ++i) {
        items.push_back(atIndex(i, [&] { return resolvedJson(arg.list[i]); }));
      }
      return items;
    }
    case ArgValue::Kind::Failed:
      throw JsonError("the promise failed (" + arg.failure.type() +
                      ") but the parameter is not marked acceptFail");
    case ArgValue::Kind::Promise:
      throw JsonError("the promise is still pending but the parameter is not marked noWait");
  }
  throw JsonError("unknown argument kind");
}

const TaskError* firstFailure(const ArgValue& arg) {
  if (arg.kind == ArgValue::Kind::Failed) return &arg.failure;
  if (arg.kind == ArgValue::Kind::List) {
    for (const ArgValue& item : arg.list) {
      if (const TaskError* failure = firstFailure(item)) return failure;
    }
  }
  return nullptr;
}

void throwBadArgument(const PolledTask& task, const JsonError& error) {
  throw TaskError(kBadArgumentsError,
                  fmt::format("{}.{}: args{}", task.actor, task.method, error.message()),
                  /*retryable=*/false);
}

std::vector<const TaskSpec*> callsOf(const std::vector<TaskSpec>& tasks, std::string_view actor,
                                     std::string_view method, std::size_t argCount) {
  std::vector<const TaskSpec*> calls;
  for (const TaskSpec& task : tasks) {
    if (task.type == TaskType::Event || task.type == TaskType::Timer) continue;
    if (task.actor == actor && task.method == method) {
      PLEDGE_REQUIRE(task.args.size() == argCount,
                     "recorded call {}.{} has {} arguments, the IDL says {}", actor, method,
                     task.args.size(), argCount);
      calls.push_back(&task);
    }
  }
  return calls;
}

std::vector<const TaskSpec*> eventWaitsOf(const std::vector<TaskSpec>& tasks,
                                          std::string_view name) {
  std::vector<const TaskSpec*> waits;
  for (const TaskSpec& task : tasks) {
    if (task.type != TaskType::Event || task.method != name) continue;
    PLEDGE_REQUIRE(task.args.size() == 1,
                   "recorded wait for event {} has {} arguments, not its one key", name,
                   task.args.size());
    waits.push_back(&task);
  }
  return waits;
}

}  // namespace pledge::detail
