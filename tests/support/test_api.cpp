#include "test_api.h"

#include <stdexcept>

namespace pledge::testing {
namespace {

void expectStatus(const HttpResult& result, std::initializer_list<int> statuses, const char* what) {
  for (int status : statuses) {
    if (result.status == status) return;
  }
  throw std::runtime_error(std::string(what) + " answered " + std::to_string(result.status) + ": " +
                           result.body);
}

}  // namespace

StartedProcess TestApi::start(const std::string& actor, const std::string& method, Json args,
                              StartOptions options) {
  StartRequest request{
      .actor = actor, .method = method, .args = std::move(args), .options = options};
  HttpResult result = http_.post("/api/v1/processes", Json(request));
  expectStatus(result, {200, 201}, "POST /api/v1/processes");
  return result.json().get<StartedProcess>();
}

std::vector<PolledTask> TestApi::poll(const std::string& actor, int max, std::int64_t waitMs,
                                      const std::string& taskList) {
  Json body = {{"worker", "test"},
               {"actors", {{{"actor", actor}, {"taskList", taskList}}}},
               {"max", max},
               {"waitMs", waitMs}};
  HttpResult result = http_.post("/api/v1/tasks/poll", body);
  expectStatus(result, {200}, "POST /api/v1/tasks/poll");
  return readArray<PolledTask>(result.json().at("tasks"));
}

HttpResult TestApi::release(const std::vector<Decision>& decisions) {
  Json items = Json::array();
  for (const Decision& decision : decisions) items.push_back(decision);
  return http_.post("/api/v1/tasks/release", Json{{"decisions", std::move(items)}});
}

std::string TestApi::releaseStatus(const Decision& decision) {
  HttpResult result = release({decision});
  return result.json().at("results").at(0).at("status").get<std::string>();
}

ProcessInfo TestApi::process(const Uuid& id) {
  HttpResult result = http_.get("/api/v1/processes/" + id.toString());
  expectStatus(result, {200}, "GET /api/v1/processes/{id}");
  return result.json().get<ProcessInfo>();
}

ProcessInfo TestApi::awaitResult(const Uuid& id, std::int64_t waitMs) {
  HttpResult result =
      http_.get("/api/v1/processes/" + id.toString() + "/result?waitMs=" + std::to_string(waitMs));
  expectStatus(result, {200}, "GET /api/v1/processes/{id}/result");
  return result.json().get<ProcessInfo>();
}

Json TestApi::tasks(const Uuid& processId) {
  HttpResult result = http_.get("/api/v1/processes/" + processId.toString() + "/tasks");
  expectStatus(result, {200}, "GET /api/v1/processes/{id}/tasks");
  return result.json();
}

HttpResult TestApi::heartbeat(const Uuid& taskId, int attempt) {
  return http_.post("/api/v1/tasks/" + taskId.toString() + "/heartbeat",
                    Json{{"attempt", attempt}});
}

Decision valueOf(const PolledTask& task, Json value, std::vector<TaskSpec> tasks) {
  return Decision{.taskId = task.taskId, .attempt = task.attempt, .result = std::move(value),
                  .tasks = std::move(tasks)};
}

Decision forwardOf(const PolledTask& task, const Uuid& promise, std::vector<TaskSpec> tasks) {
  return Decision{.taskId = task.taskId, .attempt = task.attempt, .promise = promise,
                  .tasks = std::move(tasks)};
}

void decideStartOrStep(const PolledTask& task, std::vector<Decision>& decisions, int& steps) {
  if (task.method == "step") {
    decisions.push_back(valueOf(task, "ok"));
    ++steps;
  } else {
    const TaskSpec step = newTask(task.actor, "step", {});
    decisions.push_back(forwardOf(task, step.taskId, {step}));
  }
}

Decision errorOf(const PolledTask& task, TaskError error) {
  return Decision{.taskId = task.taskId, .attempt = task.attempt, .error = std::move(error)};
}

TaskSpec newTask(const std::string& actor, const std::string& method, std::vector<ArgSpec> args,
                 TaskType type, CallOptions options) {
  return TaskSpec{.taskId = Uuid::random(), .actor = actor, .method = method, .type = type,
                  .args = std::move(args), .options = std::move(options)};
}

const PolledTask& taskWithMethod(const std::vector<PolledTask>& tasks, const std::string& method) {
  for (const PolledTask& task : tasks) {
    if (task.method == method) return task;
  }
  throw std::runtime_error("no polled task with method " + method);
}

}  // namespace pledge::testing
