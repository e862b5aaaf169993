#include "pledge/server/workflow/script_sandbox.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

extern char** environ;

namespace pledge::server::workflow {
namespace {

using Clock = std::chrono::steady_clock;

bool sendAll(int socket, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = ::send(socket, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

enum class ReadEnd { Line, Closed, TimedOut };

ReadEnd readLine(int socket, Clock::time_point deadline, std::string& line) {
  char buffer[8192];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return ReadEnd::TimedOut;
    pollfd wait{.fd = socket, .events = POLLIN, .revents = 0};
    const int ready = ::poll(&wait, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return ReadEnd::TimedOut;
    const ssize_t n = ::recv(socket, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ReadEnd::Closed;
    line.append(buffer, static_cast<std::size_t>(n));
    if (!line.empty() && line.back() == '\n') return ReadEnd::Line;
  }
}

}  // namespace

ScriptSandbox::ScriptSandbox(ScriptSandboxOptions options) : options_(std::move(options)) {}

ScriptSandbox::~ScriptSandbox() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] { return running_ == 0; });
  for (Helper& helper : idle_) stop(helper);
}

ScriptSandbox::Helper ScriptSandbox::spawn() const {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    throw ScriptFailure(std::string(kScriptError),
                        fmt::format("cannot start a script helper: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sockets[1], 0);
  posix_spawn_file_actions_adddup2(&actions, sockets[1], 1);
  const std::string memory = std::to_string(options_.memoryBytes);
  std::vector<char*> argv{const_cast<char*>(options_.program.c_str()),
                          const_cast<char*>("--memory-bytes"), const_cast<char*>(memory.c_str()),
                          nullptr};
  pid_t pid = -1;
  const int failed =
      ::posix_spawn(&pid, options_.program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(sockets[1]);
  if (failed != 0) {
    ::close(sockets[0]);
    throw ScriptFailure(std::string(kScriptError),
                        fmt::format("cannot start the script helper {}: {}", options_.program,
                                    std::strerror(failed)));
  }
  return Helper{.pid = pid, .socket = sockets[0]};
}

void ScriptSandbox::stop(Helper& helper) {
  if (helper.socket >= 0) ::close(helper.socket);
  if (helper.pid > 0) {
    ::kill(helper.pid, SIGKILL);
    ::waitpid(helper.pid, nullptr, 0);
  }
  helper = Helper{};
}

Json ScriptSandbox::evaluate(ScriptLanguage language, const std::string& code, const Json& input) {
  Helper helper;
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return running_ < options_.processes; });
    ++running_;
    if (!idle_.empty()) {
      helper = idle_.back();
      idle_.pop_back();
    }
  }
  bool keep = false;
  auto giveBack = [&] {
    if (!keep) stop(helper);
    std::lock_guard lock(mutex_);
    if (keep) idle_.push_back(helper);
    --running_;
    freed_.notify_one();
  };
  try {
    if (helper.pid < 0) helper = spawn();
    const Json request{{"lang", language == ScriptLanguage::Jq ? "jq" : "js"},
                       {"code", code},
                       {"input", input}};
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.timeoutMs);
    std::string line;
    const bool sent = sendAll(helper.socket, dumpJson(request) + "\n");
    const ReadEnd end = sent ? readLine(helper.socket, deadline, line) : ReadEnd::Closed;
    if (end == ReadEnd::TimedOut) {
      throw ScriptFailure(std::string(kScriptTimeout),
                          fmt::format("the script ran longer than {} ms and was stopped",
                                      options_.timeoutMs));
    }
    if (end == ReadEnd::Closed) {
      throw ScriptFailure(std::string(kScriptError),
                          "the script helper ended while running the script (out of memory?)");
    }
    Json answer = parseJson(line);
    keep = true;
    giveBack();
    if (!answer.value("ok", false)) {
      throw ScriptFailure(std::string(kScriptError), answer.value("error", "the script failed"));
    }
    return answer["value"];
  } catch (const ScriptFailure&) {
    if (!keep) giveBack();
    throw;
  } catch (const std::exception& error) {
    if (!keep) giveBack();
    throw ScriptFailure(std::string(kScriptError), error.what());
  }
}

}  // namespace pledge::server::workflow
