#include "bootstrap_process.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "server_process.h"

namespace pledge::testing {

BootstrapProcess::BootstrapProcess(const std::string& config, const std::string& serverUrl)
    : BootstrapProcess(config, std::vector<std::string>{serverUrl}) {}

BootstrapProcess::BootstrapProcess(const std::string& config, std::vector<std::string> serverUrls)
    : config_(config.starts_with("/") ? config : buildBinary(config)),
      serverUrls_(std::move(serverUrls)) {
  char pattern[] = "/tmp/pledge-bootstrap-XXXXXX.log";
  int fd = mkstemps(pattern, 4);
  close(fd);
  logFile_ = pattern;
  start();
}

BootstrapProcess::~BootstrapProcess() {
  if (running()) stop(SIGTERM);
  std::remove(logFile_.c_str());
}

void BootstrapProcess::start() {
  std::vector<std::string> argv = {buildBinary("bootstrap/pledge-bootstrap"), "-f", config_};
  for (const std::string& url : serverUrls_) argv.insert(argv.end(), {"--server", url});
  pid_ = spawnProcess(argv, logFile_);
}

int BootstrapProcess::stop(int signal) {
  if (!running()) return 0;
  const int status = stopProcess(pid_, signal, std::chrono::seconds(60));
  pid_ = -1;
  return status;
}

std::string BootstrapProcess::log() const {
  std::ifstream in(logFile_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace pledge::testing
