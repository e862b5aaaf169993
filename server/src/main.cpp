// pledge-server: one node (engine, store, cluster membership, REST API v1 on one port).
#include <spdlog/spdlog.h>

#include <iostream>
#include <string_view>

#include "pledge/server/node/node.h"
#include "pledge/server/node/server_config.h"
#include "pledge/server/node/token_command.h"

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
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
#ifdef PLEDGE_CONSOLE_DIR
  const std::string builtConsole = PLEDGE_CONSOLE_DIR;
#else
  const std::string builtConsole;
#endif
  // The one place where start-up errors are caught.
  try {
    Node node(std::move(config), builtConsole);
    node.run();
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
  return 0;
}
