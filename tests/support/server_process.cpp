#include "server_process.h"

#include <algorithm>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pledge::testing {

std::string buildBinary(const std::string& relativePath) {
  return std::string(PLEDGE_BUILD_DIR) + "/" + relativePath;
}

std::optional<int> waitForExit(pid_t pid, int timeoutMs) {
  return pledge::waitForExit(pid, std::chrono::milliseconds(timeoutMs));
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::pair<int, std::string> runServerCommand(const std::vector<std::string>& args) {
  char pattern[] = "/tmp/pledge-command-XXXXXX.log";
  const int fd = mkstemps(pattern, 4);
  if (fd >= 0) close(fd);
  std::vector<std::string> argv = {buildBinary("server/pledge-server")};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawnProcess(argv, pattern);
  const std::optional<int> status = waitForExit(pid, 30'000);
  std::string output = readFile(pattern);
  std::filesystem::remove(pattern);
  return {status.value_or(-1), std::move(output)};
}

MadeToken makeToken(const std::string& role, const std::string& name, const std::string& actors) {
  std::vector<std::string> args = {"token", "create", "--role", role, "--name", name};
  if (!actors.empty()) args.insert(args.end(), {"--actors", actors});
  auto [status, output] = runServerCommand(args);
  if (status != 0) throw std::runtime_error("pledge-server token create failed: " + output);
  MadeToken token;
  std::istringstream lines(output);
  std::string line;
  bool inEntry = false;
  while (std::getline(lines, line)) {
    if (line.starts_with("  pledge_")) token.secret = line.substr(2);
    if (inEntry && line.starts_with("  ")) token.entry += line + "\n";
    if (line.find("under tokens:") != std::string::npos) inEntry = true;
  }
  return token;
}

ServerProcess::ServerProcess(std::vector<std::string> extraArgs)
    : ServerProcess(ServerOptions{.extraArgs = std::move(extraArgs)}) {}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  if (!options_.database && !options_.store && TestDatabase::wanted())
    options_.database = std::make_shared<TestDatabase>();
  char pattern[] = "/tmp/pledge-test-XXXXXX";
  const char* made = mkdtemp(pattern);
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  base_ = made;
  dataDir_ = base_ + "/data";
  start();
}

ServerProcess::~ServerProcess() {
  if (running()) stop(SIGTERM);
  std::error_code ignored;
  std::filesystem::remove_all(base_, ignored);
}

void ServerProcess::start() {
  const std::string portFile = base_ + "/port";
  std::filesystem::remove(portFile);
  const std::string listenPort = options_.stickyPort && port_ != 0 ? std::to_string(port_) : "0";
  std::vector<std::string> argv = {buildBinary("server/pledge-server"), "--port", listenPort,
                                   "--port-file", portFile, "--node-name", options_.nodeName};
  const std::vector<std::string>& extra = options_.extraArgs;
  if (std::find(extra.begin(), extra.end(), "--address") == extra.end()) {
    argv.insert(argv.end(), {"--address", "127.0.0.1"});
  }
  if (options_.store) {
    argv.insert(argv.end(), {"--store", *options_.store});
  } else if (options_.database) {
    argv.insert(argv.end(), {"--store", options_.database->url()});
  } else {
    argv.insert(argv.end(), {"--data-dir", dataDir_});
  }
  argv.insert(argv.end(), options_.extraArgs.begin(), options_.extraArgs.end());
  {
    std::ofstream(base_ + "/server.log", std::ios::app) << "---- start " << ++starts_ << "\n";
  }
  pid_ = spawnProcess(argv, base_ + "/server.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(portFile);
    int port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<std::uint16_t>(port);
      return;
    }
    if (auto status = waitForExit(pid_, 0)) {
      pid_ = -1;
      throw std::runtime_error("pledge-server exited with " + std::to_string(*status) + ":\n" +
                               log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("pledge-server did not start within 60 s:\n" + log());
}

int ServerProcess::stop(int signal) {
  if (!running()) return 0;
  const int status = stopProcess(pid_, signal, std::chrono::seconds(30));
  pid_ = -1;
  return status;
}

std::string ServerProcess::log() const {
  std::ifstream in(base_ + "/server.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace pledge::testing
