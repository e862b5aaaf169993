// The limits: list of a server config file (docs/operations.md, "Limits"). Private to node/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "pledge/server/store/store.h"

namespace pledge::server {

// Reads limits: [{actor, taskList, maxRunning, perSecond, burst}, ...]; throws ConfigError
// naming path:line: limits[i].key for an unknown key, a value of the wrong type or one the
// engine refuses (checkLimit).
std::vector<TaskLimit> readLimits(const YAML::Node& list, const std::string& path);

}  // namespace pledge::server
