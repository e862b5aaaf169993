// ServerProcess: a real pledge-server process for integration tests, on a loopback port it picks
// itself (--port 0), with a data folder of its own, or a PostgreSQL database (its own when
// TestDatabase::wanted(), or one shared by the nodes of a cluster). Destroying it stops the
// process (SIGKILL if SIGTERM did not) and removes the folder.
//
//   ServerProcess server;                 // started, port known
//   HttpClient client = server.client();
//   server.kill(SIGKILL);                 // crash it
//   server.start();                       // again, on the same data folder
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http_client.h"
#include "subprocess.h"
#include "test_database.h"

namespace pledge::testing {

struct ServerOptions {
  // Appended to the command line.
  std::vector<std::string> extraArgs;
  // Set: the server stores into this database (the nodes of a cluster share one).
  std::shared_ptr<TestDatabase> database;
  // Set: the server stores there instead (a URL as --store takes).
  std::optional<std::string> store;
  std::string nodeName = "test-node";
  // A restart listens on the port the first start got (runners keep their URL).
  bool stickyPort = false;
};

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extraArgs = {});
  explicit ServerProcess(ServerOptions options);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server (again) on the data folder; waits until it listens.
  void start();
  // Sends signal and waits for the process to end; returns its exit status (or -signal).
  int stop(int signal);

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& dataDir() const { return dataDir_; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The server's log (stdout and stderr) so far.
  std::string log() const;

 private:
  std::string base_;
  std::string dataDir_;
  ServerOptions options_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int starts_ = 0;
};

// A file of this build: PLEDGE_BUILD_DIR + "/" + relativePath.
std::string buildBinary(const std::string& relativePath);

// The whole text of a file ("" when it cannot be read).
std::string readFile(const std::string& path);

// Runs this build's pledge-server with args (e.g. token create ...): its exit status (-1 when it
// did not end within 30 s) and its output.
std::pair<int, std::string> runServerCommand(const std::vector<std::string>& args);

// A token as `pledge-server token create` prints it: the secret, and the entry (indented YAML
// lines) to put under tokens: in a server config.
struct MadeToken {
  std::string secret;
  std::string entry;
};
// Makes one with pledge-server token create; actors: comma-separated, for a worker token.
MadeToken makeToken(const std::string& role, const std::string& name,
                    const std::string& actors = "");

// Waits up to timeoutMs for the process to exit; returns its status or nullopt.
std::optional<int> waitForExit(pid_t pid, int timeoutMs);

}  // namespace pledge::testing
