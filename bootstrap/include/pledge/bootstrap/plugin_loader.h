// PluginLoader: loads actor plugins — shared libraries built with pledge_add_actors — and calls
// every registration function they export (pledge_register_<idl stem>), filling a registry.
//
//   pledge::ActorRegistry registry;
//   pledge::bootstrap::PluginLoader plugins;
//   plugins.load("./libnotification_actors.so", registry);
//
// Libraries stay loaded as long as the loader lives; destroy it after everything that holds or
// runs their code — the registry included (declare the loader first). Thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pledge/actor_registry.h"

namespace pledge::bootstrap {

class PluginLoader {
 public:
  PluginLoader();
  ~PluginLoader();
  PluginLoader(const PluginLoader&) = delete;
  PluginLoader& operator=(const PluginLoader&) = delete;

  // Returns the registration functions called. Throws pledge::Error when the file cannot be
  // loaded or exports no registration function.
  std::vector<std::string> load(const std::string& path, ActorRegistry& registry);

 private:
  struct Libraries;
  std::unique_ptr<Libraries> libraries_;
};

}  // namespace pledge::bootstrap
