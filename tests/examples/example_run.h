// ExampleRun: one example end to end — a real pledge-server on a loopback port of its own, a
// real pledge-bootstrap running the example's actors.yaml from the build tree, and a RestClient
// to start processes and read what they did. Destroying it stops both processes; when the test
// failed it prints their logs first.
//
//   pledge::testing::ExampleRun run("fibonacci");
//   FibonacciStarter fibonacci(run.client());
//   pledge::ProcessInfo done = run.finish(fibonacci.compute(10));
//   EXPECT_EQ(done.result, 55);
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bootstrap_process.h"
#include "pledge/rest_client.h"
#include "server_process.h"

namespace pledge::testing {

// Thread-confined to the test.
class ExampleRun {
 public:
  // example: the folder under examples/; serverArgs are appended to pledge-server's command line.
  explicit ExampleRun(const std::string& example, std::vector<std::string> serverArgs = {})
      : server_(std::move(serverArgs)),
        workers_("examples/" + example + "/actors.yaml", server_.url()),
        client_({server_.url()}) {}

  ~ExampleRun() {
    if (::testing::Test::HasFailure()) {
      std::cerr << "---- pledge-server log\n"
                << server_.log() << "---- pledge-bootstrap log\n"
                << workers_.log();
    }
  }

  ExampleRun(const ExampleRun&) = delete;
  ExampleRun& operator=(const ExampleRun&) = delete;

  RestClient& client() { return client_; }
  std::string serverUrl() const { return server_.url(); }

  // The process once it completed, broke or was aborted; as it is after 60 s otherwise.
  ProcessInfo finish(const Uuid& processId) {
    return client_.waitResult(processId, std::chrono::seconds(60));
  }
  ProcessInfo finish(const StartedProcess& started) { return finish(started.processId); }

  // The tasks of a process (GET /api/v1/processes/{id}/tasks) by method, in creation order.
  std::map<std::string, std::vector<Json>> tasksByMethod(const Uuid& processId) {
    std::map<std::string, std::vector<Json>> tasks;
    for (const Json& task : client_.processTasks(processId)) {
      tasks[task.at("method").get<std::string>()].push_back(task);
    }
    return tasks;
  }

  // The only task of a method in a process; fails the test when there is not exactly one.
  Json onlyTask(const Uuid& processId, const std::string& method) {
    std::vector<Json> tasks = tasksByMethod(processId)[method];
    EXPECT_EQ(tasks.size(), 1u) << "tasks of " << method;
    return tasks.empty() ? Json::object() : tasks.front();
  }

 private:
  ServerProcess server_;
  BootstrapProcess workers_;
  RestClient client_;
};

// Milliseconds since the epoch: the clock of task times and start times.
inline std::int64_t epochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A time field of a task JSON ("startedAt", "endedAt", ...); 0 when unset.
inline std::int64_t timeOf(const Json& task, const char* field) {
  const Json& value = task.at(field);
  return value.is_null() ? 0 : value.get<std::int64_t>();
}

}  // namespace pledge::testing
