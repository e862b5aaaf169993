// BootstrapProcess: a real pledge-bootstrap process for end-to-end tests, running an actors.yaml
// of this build against a server URL. Destroying it stops it (SIGTERM, then SIGKILL).
//
//   ServerProcess server;
//   BootstrapProcess workers("examples/notification/actors.yaml", server.url());
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace pledge::testing {

class BootstrapProcess {
 public:
  // config: path of the actors.yaml, relative to the build folder unless absolute.
  BootstrapProcess(const std::string& config, const std::string& serverUrl);
  // Several servers: the nodes of a cluster.
  BootstrapProcess(const std::string& config, std::vector<std::string> serverUrls);
  ~BootstrapProcess();
  BootstrapProcess(const BootstrapProcess&) = delete;
  BootstrapProcess& operator=(const BootstrapProcess&) = delete;

  void start();
  // Sends signal and waits for the exit; returns the status (-signal when killed by one).
  int stop(int signal);
  bool running() const { return pid_ > 0; }
  std::string log() const;

 private:
  std::string config_;
  std::vector<std::string> serverUrls_;
  std::string logFile_;
  pid_t pid_ = -1;
};

}  // namespace pledge::testing
