// BootstrapConfig: what pledge-bootstrap runs, read from actors.yaml:
//
//   servers: ["http://127.0.0.1:8080"]
//   plugins: ["./libnotification_actors.so"]       # relative to this file
//   actors:
//     - {actor: "NotificationDecider#1.0", threads: 2}
//     - {actor: "UserProfileService#1.0", threads: 4, pollBatch: 16, taskList: ""}
//     - {actor: "MailService#1.0", threads: 4, pollBatch: auto, maxPollBatch: 64}
//   log: {level: info}
//   poll: {waitMs: 2000}
//   tokenFile: ./worker.token       # or token: pledge_...; relative to this file
//   ca: ./ca.pem                    # https with a private CA
//
// Unknown keys and bad values are errors naming file, line and key path.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "pledge/actor_runner.h"

namespace pledge::bootstrap {

struct BootstrapConfig {
  std::vector<std::string> servers;
  // Absolute, or made absolute relative to the config file's folder.
  std::vector<std::string> plugins;
  std::vector<ActorPoolConfig> actors;
  std::string logLevel = "info";
  // log: {format: json}: one JSON object per line (pledge/log_format.h); text by default.
  std::string logFormat = "text";
  std::chrono::milliseconds pollWait{2'000};
  // The API token (token:, or the first line of tokenFile:); empty: none.
  std::string token;
  // A PEM file of CA certificates to trust for https servers; empty: the system's.
  std::string caFile;
};

// what() is "file:line: key.path: what is wrong".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

BootstrapConfig parseBootstrapConfig(const std::string& path);
BootstrapConfig parseBootstrapConfigText(const std::string& text, const std::string& path);

}  // namespace pledge::bootstrap
