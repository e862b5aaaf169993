#include "pledge/server/node/server_config.h"

#include <CLI/CLI.hpp>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <fstream>
#include <sstream>
#include <variant>

#include <fmt/format.h>

#include "pledge/error.h"
#include "node/config_limits.h"
#include "pledge/limits.h"
#include "pledge/server/workflow/definition.h"

namespace pledge::server {
namespace {

// One setting: its key (the flag is --key), what it is, and the field it sets.
struct Setting {
  const char* key;
  const char* help;
  std::variant<std::string ServerConfig::*, std::optional<std::string> ServerConfig::*,
               int ServerConfig::*, std::uint16_t ServerConfig::*, std::int64_t ServerConfig::*,
               std::size_t ServerConfig::*>
      field;
};

const std::array kSettings = {
    Setting{"address", "address to listen on", &ServerConfig::address},
    Setting{"port", "port to listen on (0: pick a free one)", &ServerConfig::port},
    Setting{"data-dir", "folder of the embedded store", &ServerConfig::dataDir},
    Setting{"store",
            "store URL: sqlite:<folder>, or postgresql://user@host:port/db (shared by a cluster)",
            &ServerConfig::store},
    Setting{"node-name", "name of this node, unique in a cluster (default: <host name>:<port>)",
            &ServerConfig::nodeName},
    Setting{"partitions", "partitions of the process space (stored with the data)",
            &ServerConfig::partitions},
    Setting{"max-body-bytes", "largest request body", &ServerConfig::maxBodyBytes},
    Setting{"io-threads", "HTTP threads", &ServerConfig::ioThreads},
    Setting{"log-level", "trace, debug, info, warn, error", &ServerConfig::logLevel},
    Setting{"log-format", "text, or json: one object per line with process and task ids",
            &ServerConfig::logFormat},
    Setting{"default-timeout-ms", "lease of tasks that set no timeoutMs",
            &ServerConfig::defaultTimeoutMs},
    Setting{"event-retention-ms",
            "events nobody waits for are kept this long (unless they say), and event ids "
            "remembered as long (0: keep none)",
            &ServerConfig::eventRetentionMs},
    Setting{"script-program",
            "the helper workflow scripts run in (default: pledge-script beside pledge-server)",
            &ServerConfig::scriptProgram},
    Setting{"script-timeout-ms", "a workflow script (INLINE, jq, SWITCH) runs at most this long",
            &ServerConfig::scriptTimeoutMs},
    Setting{"script-memory-mb", "a workflow script uses at most this much memory",
            &ServerConfig::scriptMemoryMb},
    Setting{"dormant-after-ms", "processes whose next task is due later leave memory (0: never)",
            &ServerConfig::dormantAfterMs},
    Setting{"memory-budget-mb",
            "memory budget of live processes (estimated); beyond it, started and due processes "
            "wait in the store and load, oldest first, as room frees (0: none)",
            &ServerConfig::memoryBudgetMb},
    Setting{"lease-ms",
            "partition lease of a cluster node: a dead node's partitions move this long after",
            &ServerConfig::leaseMs},
    Setting{"advertise-url",
            "URL other nodes and clients reach this node at (default: http://<address>:<port>, "
            "127.0.0.1 "
            "when listening on 0.0.0.0)",
            &ServerConfig::advertiseUrl},
    Setting{"lease-write-delay-ms",
            "a task lease is written once it is this old (0: at once); a crash hands younger ones "
            "out again "
            "at once",
            &ServerConfig::leaseWriteDelayMs},
    Setting{"max-connections", "open connections at most; one more is answered 503 and closed",
            &ServerConfig::maxConnections},
    Setting{"idle-timeout-ms", "a keep-alive connection waits this long for the next request",
            &ServerConfig::idleTimeoutMs},
    Setting{"header-timeout-ms",
            "a request's header must arrive within this long of its first byte",
            &ServerConfig::headerTimeoutMs},
    Setting{"body-timeout-ms",
            "a request's body must arrive (and its answer be taken) within this long",
            &ServerConfig::bodyTimeoutMs},
    Setting{"max-waiting-requests",
            "long polls and result waits held at once; one more is answered 429",
            &ServerConfig::maxWaitingRequests},
    Setting{"node-token",
            "secret of an admin token sent on requests forwarded to other nodes (with tokens)",
            &ServerConfig::nodeToken},
    Setting{"tls-cert", "PEM certificate chain: serve https (reloaded on SIGHUP)",
            &ServerConfig::tlsCert},
    Setting{"tls-key", "PEM private key of --tls-cert", &ServerConfig::tlsKey},
    Setting{"tls-ca", "PEM CA certificates to trust when forwarding to other nodes over https",
            &ServerConfig::tlsCa},
    Setting{"cors-origins",
            "comma-separated origins whose web pages may call the API (CORS); default none",
            &ServerConfig::corsOrigins},
    Setting{"retention",
            "delete ended (completed, aborted) processes this long after they ended, e.g. 30d, "
            "12h (default: keep forever)",
            &ServerConfig::retention},
    Setting{"retention-archive-dir",
            "append each process retention deletes, as a JSON line, to "
            "DIR/processes-YYYY-MM-DD.jsonl first",
            &ServerConfig::retentionArchiveDir},
    Setting{"retention-batch", "processes retention deletes per transaction",
            &ServerConfig::retentionBatch},
    Setting{"max-queues",
            "queues (actor and task list pairs) a node tracks; a poll or task adding one more "
            "is answered 429",
            &ServerConfig::maxQueues},
};

// The tokens: list of a config file; problems name file:line: tokens[i].key.
std::vector<TokenEntry> readTokens(const YAML::Node& list, const std::string& path) {
  auto fail = [&path](const YAML::Node& at, const std::string& where, const std::string& problem) {
    return ConfigError(fmt::format("{}:{}: {}: {}", path, at.Mark().line + 1, where, problem));
  };
  if (!list.IsSequence()) {
    throw fail(list, "tokens", "expected a list of {name, role, actors, sha256}");
  }
  std::vector<TokenEntry> tokens;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node entry = list[i];
    const std::string at = fmt::format("tokens[{}]", i);
    if (!entry.IsMap()) throw fail(entry, at, "expected a map with name, role, sha256");
    TokenEntry token;
    for (auto field = entry.begin(); field != entry.end(); ++field) {
      const std::string key = field->first.Scalar();
      const YAML::Node value = field->second;
      const std::string where = at + "." + key;
      if (key == "actors") {
        if (!value.IsSequence()) throw fail(value, where, "expected a list of actor ids");
        for (const YAML::Node& actor : value) {
          if (!actor.IsScalar()) throw fail(actor, where, "expected an actor id like Mail#1.0");
          token.actors.push_back(actor.Scalar());
        }
        continue;
      }
      if (!value.IsScalar()) throw fail(value, where, "expected a single value");
      if (key == "name") {
        token.name = value.Scalar();
      } else if (key == "sha256") {
        token.sha256 = value.Scalar();
      } else if (key == "role") {
        std::optional<Role> role = parseRole(value.Scalar());
        if (!role) {
          throw fail(value, where,
                     fmt::format("\"{}\" is not a role (worker, starter, operator, viewer, admin)",
                                 value.Scalar()));
        }
        token.role = *role;
      } else {
        throw fail(field->first, where, "unknown key (expected name, role, actors, sha256)");
      }
    }
    if (token.name.empty()) throw fail(entry, at, "needs a name");
    if (token.sha256.empty()) throw fail(entry, at + ".sha256", "missing");
    if (!entry["role"]) throw fail(entry, at + ".role", "missing");
    tokens.push_back(std::move(token));
  }
  return tokens;
}

void checkRange(std::string_view key, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value < low || value > high)
    throw ConfigError(fmt::format("{}: must be {} to {}, got {}", key, low, high, value));
}

void checkConfig(const ServerConfig& config) {
  checkRange("partitions", config.partitions, 1, 4096);
  checkRange("io-threads", config.ioThreads, 1, 64);
  if (config.maxBodyBytes < 1024) {
    throw ConfigError(
        fmt::format("max-body-bytes: must be at least 1024, got {}", config.maxBodyBytes));
  }
  checkRange("memory-budget-mb", config.memoryBudgetMb, 0, 1 << 30);
  if (config.dormantAfterMs < 0) {
    throw ConfigError(
        fmt::format("dormant-after-ms: must not be negative, got {}", config.dormantAfterMs));
  }
  checkRange("lease-write-delay-ms", config.leaseWriteDelayMs, 0, 60'000);
  checkRange("lease-ms", config.leaseMs, 1'000, 600'000);
  if (!config.advertiseUrl.empty() && !config.advertiseUrl.starts_with("http://") &&
      !config.advertiseUrl.starts_with("https://")) {
    throw ConfigError(
        fmt::format("advertise-url: expected a URL like http://10.0.0.5:8080, got \"{}\"",
                    config.advertiseUrl));
  }
  if (config.defaultTimeoutMs < 1) {
    throw ConfigError(
        fmt::format("default-timeout-ms: must be positive, got {}", config.defaultTimeoutMs));
  }
  checkRange("event-retention-ms", config.eventRetentionMs, 0, limits::kMaxTimeoutMs);
  checkRange("script-timeout-ms", config.scriptTimeoutMs, 10, 600'000);
  checkRange("script-memory-mb", config.scriptMemoryMb, 1, 65'536);
  checkRange("max-connections", static_cast<std::int64_t>(config.maxConnections), 1, 1'000'000);
  checkRange("idle-timeout-ms", config.idleTimeoutMs, 100, 86'400'000);
  checkRange("header-timeout-ms", config.headerTimeoutMs, 100, 3'600'000);
  checkRange("body-timeout-ms", config.bodyTimeoutMs, 100, 3'600'000);
  checkRange("max-waiting-requests", static_cast<std::int64_t>(config.maxWaitingRequests), 1,
             10'000'000);
  checkRange("max-queues", static_cast<std::int64_t>(config.maxQueues), 1, 10'000'000);
  (void)retentionMs(config);
  checkRange("retention-batch", config.retentionBatch, 1, 100'000);
  if (config.tlsCert.empty() != config.tlsKey.empty()) {
    throw ConfigError(config.tlsCert.empty() ? "tls-cert: needed with --tls-key"
                                             : "tls-key: needed with --tls-cert");
  }
  TokenTable tokens;
  try {
    tokens = TokenTable(config.tokens);
  } catch (const Error& error) {
    throw ConfigError("tokens: " + error.message());
  }
  if (!config.nodeToken.empty()) {
    if (tokens.empty()) {
      throw ConfigError("node-token: set, but there are no tokens (list them under tokens:)");
    }
    std::optional<Caller> node;
    try {
      node = tokens.authenticate("Bearer " + config.nodeToken);
    } catch (const Error&) {
      throw ConfigError("node-token: not one of the tokens (list its sha256 under tokens:)");
    }
    if (node->role != Role::Admin) {
      throw ConfigError(fmt::format("node-token: token \"{}\" has role {}; a node token needs "
                                    "role admin",
                                    node->name, roleName(node->role)));
    }
  }
  if (!config.address.empty() && !isLoopback(config.address) && config.tokens.empty() &&
      !config.insecure) {
    throw ConfigError(fmt::format(
        "address: {} would let anyone who reaches this port do anything, as no tokens are "
        "configured: add tokens (pledge-server token create) or pass --insecure",
        config.address));
  }
  static constexpr std::array kLevels = {"trace", "debug",    "info", "warn",
                                         "error", "critical", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), config.logLevel) == kLevels.end()) {
    throw ConfigError(fmt::format(
        "log-level: expected trace, debug, info, warn, error, critical or off, got \"{}\"",
        config.logLevel));
  }
  if (config.logFormat != "text" && config.logFormat != "json") {
    throw ConfigError(
        fmt::format("log-format: expected text or json, got \"{}\"", config.logFormat));
  }
}

}  // namespace

std::optional<std::int64_t> retentionMs(const ServerConfig& config) {
  if (config.retention.empty()) return std::nullopt;
  constexpr std::int64_t kCenturyMs = 100LL * 365 * 86'400'000;
  const std::optional<std::int64_t> ms = workflow::parseDurationMs(config.retention, kCenturyMs);
  if (!ms || *ms < 1'000) {
    throw ConfigError(fmt::format(
        "retention: expected a duration of 1s to 100 years such as 30d or 12h, got \"{}\"",
        config.retention));
  }
  return ms;
}

bool isLoopback(const std::string& address) {
  return address.starts_with("127.") || address == "::1" || address == "localhost";
}

std::string listenAddress(const ServerConfig& config) {
  if (!config.address.empty()) return config.address;
  return config.tokens.empty() && !config.insecure ? "127.0.0.1" : "0.0.0.0";
}

void applyConfigText(const std::string& text, const std::string& path, ServerConfig& config) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw ConfigError(
        fmt::format("{}:{}: YAML syntax error: {}", path, error.mark.line + 1, error.msg));
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError(fmt::format("{}:1: expected a map of settings", path));
  for (auto it = root.begin(); it != root.end(); ++it) {
    const int line = it->first.Mark().line + 1;
    if (!it->first.IsScalar())
      throw ConfigError(fmt::format("{}:{}: expected a setting name", path, line));
    const std::string key = it->first.Scalar();
    const YAML::Node value = it->second;
    auto fail = [&](const std::string& problem) -> ConfigError {
      return ConfigError(fmt::format("{}:{}: {}: {}", path, line, key, problem));
    };
    if (key == "tokens") {
      config.tokens = readTokens(value, path);
      continue;
    }
    if (key == "limits") {
      config.limits = readLimits(value, path);
      continue;
    }
    if (key == "insecure") {
      try {
        config.insecure = value.as<bool>();
      } catch (const YAML::BadConversion&) {
        throw fail("expected true or false");
      }
      continue;
    }
    auto setting = std::find_if(kSettings.begin(), kSettings.end(),
                                [&](const Setting& s) { return s.key == key; });
    if (setting == kSettings.end()) {
      std::string known;
      for (const Setting& s : kSettings) known += (known.empty() ? "" : ", ") + std::string(s.key);
      throw fail("unknown key (expected one of: " + known + ", insecure, tokens, limits)");
    }
    if (!value.IsScalar()) throw fail("expected a single value");
    try {
      std::visit(
          [&](auto member) {
            using Field = std::remove_reference_t<decltype(config.*member)>;
            if constexpr (std::is_same_v<Field, std::optional<std::string>>) {
              config.*member = value.as<std::string>();
            } else {
              config.*member = value.as<Field>();
            }
          },
          setting->field);
    } catch (const YAML::BadConversion&) {
      throw fail(fmt::format("\"{}\" is not a valid value", value.Scalar()));
    }
  }
}

void applyConfigFile(const std::string& path, ServerConfig& config) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot read the config file", path));
  std::ostringstream text;
  text << in.rdbuf();
  applyConfigText(text.str(), path, config);
}

ServerConfig parseServerConfig(int argc, const char* const* argv) {
  ServerConfig config;
  CLI::App app{"pledge-server: stores processes durably and hands their tasks to workers"};
  std::string configFile;
  ServerConfig flags = config;
  auto* configOption =
      app.add_option("--config", configFile, "YAML file with the same keys as these flags");
  std::vector<std::pair<const Setting*, CLI::Option*>> options;
  for (const Setting& setting : kSettings) {
    std::visit(
        [&](auto member) {
          CLI::Option* option =
              app.add_option(std::string("--") + setting.key, flags.*member, setting.help);
          using Field = std::remove_reference_t<decltype(flags.*member)>;
          if constexpr (!std::is_same_v<Field, std::optional<std::string>>)
            option->capture_default_str();
          options.emplace_back(&setting, option);
        },
        setting.field);
  }
  app.add_option("--port-file", flags.portFile, "write the bound port to this file");
  app.add_option("--console-dir", flags.consoleDir, "folder of the web console's built assets");
  auto* insecureFlag = app.add_flag(
      "--insecure", flags.insecure,
      "listen beyond loopback without tokens: anyone who reaches the port may do anything");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    throw HelpRequested(app.help());
  } catch (const CLI::ParseError& error) {
    throw ConfigError(std::string(error.what()) + " (see --help)");
  }
  if (configOption->count() > 0) applyConfigFile(configFile, config);
  // Flags given on the command line win over the file.
  for (const auto& [setting, option] : options) {
    if (option->count() == 0) continue;
    std::visit([&](auto member) { config.*member = flags.*member; }, setting->field);
  }
  if (insecureFlag->count() > 0) config.insecure = true;
  config.portFile = flags.portFile;
  config.consoleDir = flags.consoleDir;
  checkConfig(config);
  return config;
}

}  // namespace pledge::server
