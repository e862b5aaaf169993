#include "pledge/bootstrap/plugin_loader.h"

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <filesystem>

#include <fmt/format.h>

#include "pledge/error.h"

namespace pledge::bootstrap {

struct PluginLoader::Libraries {
  std::vector<boost::dll::shared_library> loaded;
};

PluginLoader::PluginLoader() : libraries_(std::make_unique<Libraries>()) {}
PluginLoader::~PluginLoader() = default;

std::vector<std::string> PluginLoader::load(const std::string& path, ActorRegistry& registry) {
  if (!std::filesystem::exists(path)) {
    throw Error(
        ErrorCode::NotFound,
        fmt::format("plugin {} does not exist (build it, or fix the path in plugins:)", path));
  }
  std::vector<std::string> functions;
  try {
    boost::dll::library_info info(path);
    for (const std::string& symbol : info.symbols()) {
      if (symbol.starts_with("pledge_register_")) functions.push_back(symbol);
    }
  } catch (const std::exception& error) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("plugin {} is not a shared library: {}", path, error.what()));
  }
  if (functions.empty()) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("plugin {} exports no pledge_register_* function; build it with "
                            "pledge_add_actors(<target> <idl>...)",
                            path));
  }
  boost::dll::shared_library library;
  try {
    library.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_global);
  } catch (const std::exception& error) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("cannot load plugin {}: {}", path, error.what()));
  }
  for (const std::string& function : functions) {
    library.get<void(ActorRegistry&)>(function)(registry);
  }
  libraries_->loaded.push_back(std::move(library));
  return functions;
}

}  // namespace pledge::bootstrap
