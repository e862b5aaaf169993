// TestApi: REST API v1 calls for integration tests, typed with the core model, plus builders of
// raw decisions, so a test can play worker and decider by hand.
//
//   TestApi api(server.port());
//   StartedProcess started = api.start("D#1", "start", Json::array({1}));
//   std::vector<PolledTask> tasks = api.poll("D#1");
//   api.release({valueOf(tasks[0], 42)});
#pragma once

#include <string>
#include <vector>

#include "http_client.h"
#include "pledge/decision.h"
#include "pledge/polled_task.h"
#include "pledge/process_info.h"
#include "pledge/start_request.h"

namespace pledge::testing {

class TestApi {
 public:
  explicit TestApi(std::uint16_t port) : http_("127.0.0.1", port) {}

  HttpClient& http() { return http_; }

  // Starts a process; fails the test (throws) unless the answer is 201 or 200.
  StartedProcess start(const std::string& actor, const std::string& method,
                       Json args = Json::array(), StartOptions options = {});
  std::vector<PolledTask> poll(const std::string& actor, int max = 10, std::int64_t waitMs = 0,
                               const std::string& taskList = "");
  // The raw answer of a release.
  HttpResult release(const std::vector<Decision>& decisions);
  // Releases one decision and returns its per-decision status ("accepted", ...).
  std::string releaseStatus(const Decision& decision);
  ProcessInfo process(const Uuid& id);
  ProcessInfo awaitResult(const Uuid& id, std::int64_t waitMs);
  Json tasks(const Uuid& processId);
  HttpResult heartbeat(const Uuid& taskId, int attempt);

 private:
  HttpClient http_;
};

// Decisions for a polled task's current attempt.
Decision valueOf(const PolledTask& task, Json value, std::vector<TaskSpec> tasks = {});
Decision forwardOf(const PolledTask& task, const Uuid& promise, std::vector<TaskSpec> tasks = {});
Decision errorOf(const PolledTask& task, TaskError error);

// The two-step process many server tests run on one actor: a start task forwards to a new
// "step" task of the same actor, which returns "ok". Adds the decision for each polled task to
// decisions and counts the steps done.
void decideStartOrStep(const PolledTask& task, std::vector<Decision>& decisions, int& steps);

// A new task spec with a fresh id.
TaskSpec newTask(const std::string& actor, const std::string& method, std::vector<ArgSpec> args,
                 TaskType type = TaskType::Worker, CallOptions options = {});

// The task of a list with that method; throws when there is none.
const PolledTask& taskWithMethod(const std::vector<PolledTask>& tasks, const std::string& method);

}  // namespace pledge::testing
