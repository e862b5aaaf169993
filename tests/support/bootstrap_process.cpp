#include "bootstrap_process.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "server_process.h"

namespace pledge::testing {

BootstrapProcess::BootstrapProcess(const std::string& configInBuild, const std::string& serverUrl)
    : config_(buildBinary(configInBuild)), serverUrl_(serverUrl) {
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
  pid_ = spawnProcess({buildBinary("bootstrap/pledge-bootstrap"), "-f", config_, "--server", serverUrl_},
                      logFile_);
}

int BootstrapProcess::stop(int signal) {
  if (!running()) return 0;
  ::kill(pid_, signal);
  std::optional<int> status = waitForExit(pid_, 60'000);
  if (!status) {
    ::kill(pid_, SIGKILL);
    status = waitForExit(pid_, 10'000);
  }
  pid_ = -1;
  return status.value_or(-1);
}

std::string BootstrapProcess::log() const {
  std::ifstream in(logFile_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace pledge::testing
