// pledge-server: one node (engine, store, cluster membership, REST API v1 on one port).
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "pledge/log_format.h"
#include "pledge/server/node/node.h"
#include "pledge/server/node/server_config.h"
#include "pledge/server/node/token_command.h"

namespace {

// The web console's assets when --console-dir is not given: the installed copy, found relative to
// this executable (<prefix>/bin/pledge-server serves <prefix>/share/pledge/console), else the
// build tree's (a server run from its build folder). Empty when neither exists: / then answers
// with a page that says how to build the console.
std::string consoleFolder() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    // PLEDGE_INSTALLED_CONSOLE_DIR: the install's console folder relative to its bin folder.
    const auto installed = (self.parent_path() / PLEDGE_INSTALLED_CONSOLE_DIR).lexically_normal();
    if (std::filesystem::is_regular_file(installed / "index.html", error)) return installed;
  }
#ifdef PLEDGE_CONSOLE_DIR
  if (std::filesystem::is_regular_file(std::filesystem::path(PLEDGE_CONSOLE_DIR) / "index.html",
                                       error)) {
    return PLEDGE_CONSOLE_DIR;
  }
#endif
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pledge::server;
  if (argc > 1 && std::string_view(argv[1]) == "token") return runTokenCommand(argc - 1, argv + 1);
  ServerConfig config;
  try {
    config = parseServerConfig(argc, argv);
  } catch (const HelpRequested& help) {
    std::cout << help.what();
    return 0;
  } catch (const ConfigError& error) {
    std::cerr << "pledge-server: " << error.what() << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config.logLevel));
  pledge::setLogFormat(config.logFormat, "server", "%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  // The one place where start-up errors are caught.
  try {
    Node node(std::move(config), consoleFolder());
    node.run();
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
  return 0;
}
