// Subprocess: starts a program as a child process with its output appended to a log file, and
// stops it. Test support, not part of the installed client library: the integration and example
// tests (through ServerProcess and BootstrapProcess) and pledge-bench start their servers and
// runners with it. Its own target, test_subprocess, so that pledge-bench builds without the tests.
//
//   pid_t pid = pledge::spawnProcess({"/usr/bin/pledge-server", "--port", "0"}, "server.log");
//   pledge::stopProcess(pid, SIGTERM, std::chrono::seconds(30));
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pledge {

// Starts argv[0] with the arguments; stdout and stderr go to logFile (appended). Throws
// pledge::Error when the program cannot be started.
pid_t spawnProcess(const std::vector<std::string>& argv, const std::string& logFile);
// Waits up to timeout for the child to exit: its exit status, -signal when a signal ended it,
// nullopt when it still runs.
std::optional<int> waitForExit(pid_t pid, std::chrono::milliseconds timeout);
// Sends signal, waits up to grace, then SIGKILLs; returns what waitForExit returned.
int stopProcess(pid_t pid, int signal, std::chrono::milliseconds grace);
// The folder of the running executable.
std::string executableDir();

}  // namespace pledge
