// The YAML configurations on any text: the server's (applyConfigText) and the bootstrap's
// (parseBootstrapConfigText). Each returns settings or throws its error naming the file (and the
// line when it has one); anything else escaping is a finding.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pledge/bootstrap/bootstrap_config.h"
#include "pledge/server/node/server_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) != 0) {
    pledge::server::ServerConfig config;
    try {
      pledge::server::applyConfigText(text, "fuzz.yaml", config);
    } catch (const pledge::server::ConfigError& error) {
      pledge::fuzz::check(std::string_view(error.what()).starts_with("fuzz.yaml:"),
                          std::string("a config error that names no file: ") + error.what());
    }
  } else {
    try {
      (void)pledge::bootstrap::parseBootstrapConfigText(text, "fuzz.yaml");
    } catch (const pledge::bootstrap::ConfigError& error) {
      pledge::fuzz::check(std::string_view(error.what()).starts_with("fuzz.yaml"),
                          std::string("a bootstrap config error that names no file: ") + error.what());
    }
  }
  return 0;
}
