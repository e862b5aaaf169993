// pledge: the command-line tool over REST API v1 (see cli_app.h).
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "pledge/cli/cli_app.h"

int main(int argc, char** argv) {
  pledge::cli::CliEnvironment environment;
  environment.stdoutTerminal = isatty(STDOUT_FILENO) != 0;
  environment.stderrTerminal = isatty(STDERR_FILENO) != 0;
  if (const char* server = std::getenv("PLEDGE_SERVER"); server != nullptr && *server != '\0') {
    environment.defaultServer = server;
  }
  if (const char* token = std::getenv("PLEDGE_TOKEN"); token != nullptr) {
    environment.defaultToken = token;
  }
  if (const char* ca = std::getenv("PLEDGE_CA"); ca != nullptr) environment.defaultCa = ca;
  return pledge::cli::runCli(argc, argv, std::cout, std::cerr, environment);
}
