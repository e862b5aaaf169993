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
