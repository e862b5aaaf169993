#include "node/config_limits.h"

#include <fmt/format.h>

#include "pledge/error.h"
#include "pledge/server/engine/task_limits.h"
#include "pledge/server/node/server_config.h"

namespace pledge::server {

std::vector<TaskLimit> readLimits(const YAML::Node& list, const std::string& path) {
  auto fail = [&path](const YAML::Node& at, const std::string& where, const std::string& problem) {
    return ConfigError(fmt::format("{}:{}: {}: {}", path, at.Mark().line + 1, where, problem));
  };
  if (!list.IsSequence()) {
    throw fail(list, "limits",
               "expected a list of {actor, taskList, maxRunning, perSecond, burst}");
  }
  std::vector<TaskLimit> limits;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node entry = list[i];
    const std::string at = fmt::format("limits[{}]", i);
    if (!entry.IsMap()) {
      throw fail(entry, at, "expected a map with actor and maxRunning or perSecond");
    }
    TaskLimit limit;
    for (auto field = entry.begin(); field != entry.end(); ++field) {
      const std::string key = field->first.Scalar();
      const YAML::Node value = field->second;
      const std::string where = at + "." + key;
      if (!value.IsScalar()) throw fail(value, where, "expected a single value");
      try {
        if (key == "actor") {
          limit.actor = value.Scalar();
        } else if (key == "taskList") {
          limit.taskList = value.Scalar();
        } else if (key == "maxRunning") {
          limit.maxRunning = value.as<std::int64_t>();
        } else if (key == "perSecond") {
          limit.perSecond = value.as<double>();
        } else if (key == "burst") {
          limit.burst = value.as<std::int64_t>();
        } else {
          throw fail(field->first, where,
                     "unknown key (expected actor, taskList, maxRunning, perSecond, burst)");
        }
      } catch (const YAML::BadConversion&) {
        throw fail(value, where, fmt::format("\"{}\" is not a number", value.Scalar()));
      }
    }
    try {
      checkLimit(limit);
    } catch (const Error& error) {
      // The engine's message starts with the field it refuses: "maxRunning: must be ...".
      throw ConfigError(
          fmt::format("{}:{}: {}.{}", path, entry.Mark().line + 1, at, error.message()));
    }
    limits.push_back(std::move(limit));
  }
  return limits;
}

}  // namespace pledge::server
