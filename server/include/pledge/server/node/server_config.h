// ServerConfig: how pledge-server is started: command-line flags, or a YAML file with the same
// keys (--config server.yaml); flags given on the command line win over the file.
//
//   ServerConfig config = parseServerConfig(argc, argv);   // throws ConfigError
//
//   # server.yaml
//   port: 8080
//   data-dir: ./pledge-data
//   partitions: 64
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pledge/server/auth/auth.h"
#include "pledge/server/store/store.h"

namespace pledge::server {

struct ServerConfig {
  // Empty: 127.0.0.1 without tokens, 0.0.0.0 with tokens or insecure (listenAddress).
  std::string address;
  std::uint16_t port = 8080;
  std::string dataDir = "./pledge-data";
  // A store URL; when absent, sqlite:<dataDir>.
  std::optional<std::string> store;
  // Unique among the nodes of a cluster; empty: "<host name>:<port>".
  std::string nodeName;
  int partitions = 64;
  // The URL other nodes and clients reach this node at; empty: http://<address>:<port> (with
  // 127.0.0.1 for 0.0.0.0, which only serves nodes on this machine).
  std::string advertiseUrl;
  // Lease of the partitions a cluster node owns (shared store only).
  std::int64_t leaseMs = 5'000;
  std::size_t maxBodyBytes = 16 * 1024 * 1024;
  int ioThreads = 1;
  // Connections (HttpServerOptions), waiting requests, queues and names (EngineOptions).
  std::size_t maxConnections = 10'000;
  std::int64_t idleTimeoutMs = 120'000;
  std::int64_t headerTimeoutMs = 10'000;
  std::int64_t bodyTimeoutMs = 60'000;
  std::size_t maxWaitingRequests = 10'000;
  std::size_t maxQueues = 10'000;
  // Lease of tasks that set no timeoutMs.
  std::int64_t defaultTimeoutMs = 60'000;
  // Events nobody waits for are kept this long unless they say (docs/events.md).
  std::int64_t eventRetentionMs = 24LL * 3600 * 1000;
  // Retention (docs/operations.md "Retention"): ended processes older than this duration
  // ("30d", "12h", "2s") are deleted; empty: kept forever. retentionArchiveDir, when set, gets
  // each one as a JSON line first; retentionBatch processes go per delete transaction.
  std::string retention;
  std::string retentionArchiveDir;
  int retentionBatch = 500;
  // Processes whose next task is due later than this leave memory until shortly before (0: never).
  std::int64_t dormantAfterMs = 60'000;
  // Memory budget of live processes in MiB (EngineOptions::memoryBudgetBytes; 0: none).
  std::int64_t memoryBudgetMb = 0;
  // A task lease is written once it is this old (EngineOptions::leaseWriteDelayMs).
  std::int64_t leaseWriteDelayMs = 1'000;
  // Workflow scripts (docs/workflows.md): the pledge-script helper (empty: the one beside
  // pledge-server), and each evaluation's limits.
  std::string scriptProgram;
  std::int64_t scriptTimeoutMs = 2'000;
  std::int64_t scriptMemoryMb = 64;
  std::string logLevel = "info";
  // text, or json: one object per line (pledge/log_format.h).
  std::string logFormat = "text";
  // The web console's built assets; empty: the folder this build made.
  std::string consoleDir;
  // Where to write the bound port (useful with --port 0).
  std::optional<std::string> portFile;

  // Who may do what (config file key tokens:, a list; pledge-server token create prints an entry).
  // None: the server is open to whoever reaches it, so it listens on loopback only.
  std::vector<TokenEntry> tokens;
  // Limits per actor and task list (config file key limits:, a list); set in the store at start,
  // replacing what was set at run time for the same actor and task list.
  std::vector<TaskLimit> limits;
  // Listen beyond loopback without tokens; logged as a warning and shown on /metrics.
  bool insecure = false;
  // The secret of an admin token (one of tokens), sent on requests forwarded to other nodes.
  std::string nodeToken;
  // Comma-separated origins whose web pages may call the API (CORS); empty: none.
  std::string corsOrigins;
  // TLS on the listener: PEM certificate chain and key (reloaded on SIGHUP); empty: plain HTTP.
  std::string tlsCert;
  std::string tlsKey;
  // A PEM file of CA certificates this node trusts when it forwards to other nodes over https.
  std::string tlsCa;

  std::string storeUrl() const { return store.value_or("sqlite:" + dataDir); }
};

// --retention in milliseconds; nullopt when off. Throws ConfigError for a text that is no
// duration of 1 s to 100 years.
std::optional<std::int64_t> retentionMs(const ServerConfig& config);

// The address to listen on: address, or the default of the security settings.
std::string listenAddress(const ServerConfig& config);
// Whether an address only serves this machine (127.0.0.0/8, ::1, localhost).
bool isLoopback(const std::string& address);

// Bad flags or config file; what() says what and where (file:line: key: problem).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown for --help: what() is the usage text.
class HelpRequested : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

ServerConfig parseServerConfig(int argc, const char* const* argv);
// Applies a YAML config file's keys to config.
void applyConfigFile(const std::string& path, ServerConfig& config);
// Applies YAML text (named path in messages) to config; what applyConfigFile reads with.
void applyConfigText(const std::string& text, const std::string& path, ServerConfig& config);

}  // namespace pledge::server
