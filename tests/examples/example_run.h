// ExampleRun: an example end to end — a real pledge-server and a pledge-bootstrap running the
// example's actors.yaml, and a RestClient to start processes and read what they did.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "bootstrap_process.h"
#include "pledge/rest_client.h"
#include "server_process.h"

namespace pledge::testing {

class ExampleRun {
 public:
  explicit ExampleRun(const std::string& example, std::vector<std::string> serverArgs = {})
      : server_(std::move(serverArgs)),
        workers_("examples/" + example + "/actors.yaml", server_.url()),
        client_({server_.url()}) {}

  ~ExampleRun() {
    if (::testing::Test::HasFailure()) {
      std::cerr << "---- server log\n" << server_.log() << "---- bootstrap log\n" << workers_.log();
    }
  }

  RestClient& client() { return client_; }

  // The process once it ended or broke (60 s at most).
  ProcessInfo finish(const StartedProcess& started) {
    return client_.waitResult(started.processId, std::chrono::seconds(60));
  }

  // The tasks of a process by method, in creation order.
  std::map<std::string, std::vector<Json>> tasksByMethod(const Uuid& processId) {
    std::map<std::string, std::vector<Json>> tasks;
    for (const Json& task : client_.processTasks(processId)) tasks[task.at("method").get<std::string>()].push_back(task);
    return tasks;
  }

 private:
  ServerProcess server_;
  BootstrapProcess workers_;
  RestClient client_;
};

}  // namespace pledge::testing
