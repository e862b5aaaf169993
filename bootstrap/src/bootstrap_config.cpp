#include "pledge/bootstrap/bootstrap_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "pledge/task_spec.h"

namespace pledge::bootstrap {
namespace {

constexpr std::array kTopKeys = {"servers", "plugins", "actors", "log",
                                 "poll",    "token",   "tokenFile", "ca"};
constexpr std::array kActorKeys = {"actor", "threads", "pollBatch", "maxPollBatch", "taskList"};
// pollBatch: auto starts each thread at this batch (the fixed default of pledge-bench before).
constexpr int kAutoFirstBatch = 32;
constexpr std::array kLogKeys = {"level", "format"};
constexpr std::array kPollKeys = {"waitMs"};
constexpr std::array kLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& keyPath,
                         const std::string& problem) const {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    throw ConfigError(
        fmt::format("{}:{}: {}{}", path_, line, keyPath.empty() ? "" : keyPath + ": ", problem));
  }

  template <typename Keys>
  void onlyKeys(const YAML::Node& node, const std::string& keyPath, const Keys& keys) const {
    if (!node.IsMap()) fail(node, keyPath, "expected a map");
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        std::string known;
        for (const char* name : keys) known += (known.empty() ? "" : ", ") + std::string(name);
        fail(it->first, keyPath.empty() ? key : keyPath + "." + key,
             "unknown key (expected one of: " + known + ")");
      }
    }
  }

  std::string text(const YAML::Node& node, const std::string& keyPath) const {
    if (!node.IsScalar()) fail(node, keyPath, "expected a single value");
    return node.Scalar();
  }

  int integer(const YAML::Node& node, const std::string& keyPath, int min, int max) const {
    std::string value = text(node, keyPath);
    std::size_t used = 0;
    long long number = 0;
    try {
      number = std::stoll(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != value.size()) {
      fail(node, keyPath, fmt::format("expected an integer, got '{}'", value));
    }
    if (number < min || number > max) {
      fail(node, keyPath, fmt::format("must be {} to {}, got {}", min, max, number));
    }
    return static_cast<int>(number);
  }

  std::vector<std::string> textList(const YAML::Node& node, const std::string& keyPath) const {
    if (!node.IsSequence()) fail(node, keyPath, "expected a list");
    std::vector<std::string> items;
    for (std::size_t i = 0; i < node.size(); ++i) {
      items.push_back(text(node[i], fmt::format("{}[{}]", keyPath, i)));
    }
    return items;
  }

 private:
  std::string path_;
};

}  // namespace

BootstrapConfig parseBootstrapConfigText(const std::string& text, const std::string& path) {
  Reader reader(path);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw ConfigError(
        fmt::format("{}:{}: YAML syntax error: {}", path, error.mark.line + 1, error.msg));
  }
  if (!root.IsDefined() || root.IsNull()) throw ConfigError(path + ":0: the file is empty");
  reader.onlyKeys(root, "", kTopKeys);
  BootstrapConfig config;

  if (!root["servers"]) {
    reader.fail(root, "servers", "missing: list the server URLs, e.g. [\"http://127.0.0.1:8080\"]");
  }
  config.servers = reader.textList(root["servers"], "servers");
  if (config.servers.empty()) {
    reader.fail(root["servers"], "servers", "name at least one server URL");
  }
  for (std::size_t i = 0; i < config.servers.size(); ++i) {
    const std::string& url = config.servers[i];
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      reader.fail(root["servers"][i], fmt::format("servers[{}]", i),
                  fmt::format("'{}' is not a URL like http://127.0.0.1:8080", url));
    }
  }

  if (!root["plugins"]) reader.fail(root, "plugins", "missing: list the actor libraries to load");
  const std::filesystem::path base = std::filesystem::absolute(path).parent_path();
  for (const std::string& plugin : reader.textList(root["plugins"], "plugins")) {
    std::filesystem::path file(plugin);
    config.plugins.push_back(
        (file.is_absolute() ? file : (base / file)).lexically_normal().string());
  }
  if (config.plugins.empty()) reader.fail(root["plugins"], "plugins", "name at least one plugin");

  auto relative = [&base](const std::string& file) {
    std::filesystem::path given(file);
    return (given.is_absolute() ? given : (base / given)).lexically_normal().string();
  };
  if (root["token"] && root["tokenFile"]) {
    reader.fail(root["tokenFile"], "tokenFile", "give token or tokenFile, not both");
  }
  if (root["token"]) config.token = reader.text(root["token"], "token");
  if (root["tokenFile"]) {
    const std::string file = relative(reader.text(root["tokenFile"], "tokenFile"));
    std::ifstream in(file);
    if (!in || !std::getline(in, config.token)) {
      reader.fail(root["tokenFile"], "tokenFile", fmt::format("cannot read a token from {}", file));
    }
    config.token.erase(config.token.find_last_not_of(" \t\r") + 1);
  }
  if (root["ca"]) config.caFile = relative(reader.text(root["ca"], "ca"));

  if (!root["actors"]) reader.fail(root, "actors", "missing: list the actors to run");
  const YAML::Node actors = root["actors"];
  if (!actors.IsSequence() || actors.size() == 0) {
    reader.fail(actors, "actors", "expected a non-empty list");
  }
  for (std::size_t i = 0; i < actors.size(); ++i) {
    const std::string keyPath = fmt::format("actors[{}]", i);
    const YAML::Node entry = actors[i];
    reader.onlyKeys(entry, keyPath, kActorKeys);
    ActorPoolConfig pool;
    if (!entry["actor"]) {
      reader.fail(entry, keyPath + ".actor", "missing (e.g. actor: \"MailService#1.0\")");
    }
    pool.actor = reader.text(entry["actor"], keyPath + ".actor");
    if (auto problem = checkActorId(pool.actor)) {
      reader.fail(entry["actor"], keyPath + ".actor", *problem);
    }
    if (entry["threads"]) {
      pool.threads = reader.integer(entry["threads"], keyPath + ".threads", 1, 1024);
    }
    if (const YAML::Node batch = entry["pollBatch"]) {
      const std::string value = reader.text(batch, keyPath + ".pollBatch");
      if (value == "auto") {
        pool.adaptive = true;
        pool.pollBatch = kAutoFirstBatch;
      } else if (value.empty() || !std::all_of(value.begin(), value.end(), ::isdigit)) {
        reader.fail(batch, keyPath + ".pollBatch",
                    fmt::format("expected auto or an integer, got '{}'", value));
      } else {
        pool.pollBatch = reader.integer(batch, keyPath + ".pollBatch", 1, 1000);
      }
    }
    if (entry["maxPollBatch"]) {
      if (!pool.adaptive) {
        reader.fail(entry["maxPollBatch"], keyPath + ".maxPollBatch",
                    "only with pollBatch: auto (a fixed pollBatch is the batch)");
      }
      pool.maxPollBatch = reader.integer(entry["maxPollBatch"], keyPath + ".maxPollBatch", 1, 1000);
    }
    if (entry["taskList"]) {
      pool.taskList =
          entry["taskList"].IsNull() ? "" : reader.text(entry["taskList"], keyPath + ".taskList");
    }
    for (const ActorPoolConfig& earlier : config.actors) {
      if (earlier.actor == pool.actor && earlier.taskList == pool.taskList) {
        reader.fail(entry, keyPath,
                    fmt::format("{} on task list '{}' is listed twice", pool.actor, pool.taskList));
      }
    }
    config.actors.push_back(std::move(pool));
  }

  if (root["log"]) {
    reader.onlyKeys(root["log"], "log", kLogKeys);
    if (root["log"]["format"]) {
      config.logFormat = reader.text(root["log"]["format"], "log.format");
      if (config.logFormat != "text" && config.logFormat != "json") {
        reader.fail(root["log"]["format"], "log.format",
                    fmt::format("expected text or json, got '{}'", config.logFormat));
      }
    }
    if (root["log"]["level"]) {
      config.logLevel = reader.text(root["log"]["level"], "log.level");
      if (std::find(kLevels.begin(), kLevels.end(), config.logLevel) == kLevels.end()) {
        reader.fail(
            root["log"]["level"], "log.level",
            fmt::format("expected trace, debug, info, warn, error, critical or off, got '{}'",
                        config.logLevel));
      }
    }
  }
  if (root["poll"]) {
    reader.onlyKeys(root["poll"], "poll", kPollKeys);
    if (root["poll"]["waitMs"]) {
      config.pollWait = std::chrono::milliseconds(
          reader.integer(root["poll"]["waitMs"], "poll.waitMs", 0, 60'000));
    }
  }
  return config;
}

BootstrapConfig parseBootstrapConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ":0: cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parseBootstrapConfigText(text.str(), path);
}

}  // namespace pledge::bootstrap
