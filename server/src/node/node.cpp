#include "pledge/server/node/node.h"
#include "pledge/server/workflow/workflow_runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "pledge/server/cluster/cluster.h"
#include "pledge/server/engine/engine.h"
#include "pledge/server/http/http_server.h"
#include "pledge/server/node/metrics.h"
#include "pledge/server/rest/rest_api.h"
#include "pledge/server/schedule/scheduler.h"
#include "pledge/server/retention/retention.h"
#include "pledge/server/store/pg_store.h"
#include "pledge/server/store/store.h"

namespace pledge::server {
namespace {

// "a, b,c" -> {"a", "b", "c"}.
std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find(',', begin);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(begin, end - begin);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.push_back(std::move(item));
    begin = end + 1;
  }
  return items;
}

std::string hostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "pledge";
  return name;
}

HttpServerOptions httpOptions(const ServerConfig& config) {
  return HttpServerOptions{.address = listenAddress(config),
                           .port = config.port,
                           .maxBodyBytes = config.maxBodyBytes,
                           .threads = config.ioThreads,
                           .maxConnections = config.maxConnections,
                           .idleTimeout = std::chrono::milliseconds(config.idleTimeoutMs),
                           .headerTimeout = std::chrono::milliseconds(config.headerTimeoutMs),
                           .bodyTimeout = std::chrono::milliseconds(config.bodyTimeoutMs),
                           .tlsCert = config.tlsCert,
                           .tlsKey = config.tlsKey};
}

EngineOptions engineOptions(const ServerConfig& config) {
  return EngineOptions{.nodeName = config.nodeName,
                       .defaultTimeoutMs = config.defaultTimeoutMs,
                       .dormantAfterMs = config.dormantAfterMs,
                       .memoryBudgetBytes = config.memoryBudgetMb << 20,
                       .leaseWriteDelayMs = config.leaseWriteDelayMs,
                       .maxParkedRequests = config.maxWaitingRequests,
                       .maxQueues = config.maxQueues,
                       .eventRetentionMs = config.eventRetentionMs};
}

// pledge-script: as configured, else beside this executable.
std::string scriptProgram(const ServerConfig& config) {
  if (!config.scriptProgram.empty()) return config.scriptProgram;
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string("pledge-script") : (self.parent_path() / "pledge-script").string();
}

}  // namespace

// Declared in the order they start; members are destroyed in reverse.
struct Node::Parts {
  ServerConfig config;
  Metrics metrics;
  // Set once the API exists; the listener starts first so that the node knows its port (and
  // so its address) before it joins a cluster. Nothing is served before run().
  std::unique_ptr<RestApi> api;
  HttpServer http;
  std::string url;
  Store* store = nullptr;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Cluster> cluster;
  std::unique_ptr<workflow::WorkflowRunner> workflows;
  std::unique_ptr<Scheduler> scheduler;
  std::unique_ptr<Retention> retention;

  // Stops what runs on its own, in order: schedules, retention, workflow steps, the cluster,
  // the engine.
  void stop() {
    if (scheduler) scheduler->stop();
    if (retention) retention->stop();
    if (workflows) workflows->stop();
    if (cluster) cluster->stop();
    if (engine) engine->shutdown();
  }

  explicit Parts(ServerConfig settings)
      : config(std::move(settings)),
        http(httpOptions(config), [this](HttpRequest&& request, Responder respond) {
          api->handle(std::move(request), std::move(respond));
        }) {}
};

Node::Node(ServerConfig config, std::string builtConsole)
    : parts_(std::make_unique<Parts>(std::move(config))) {
  Parts& p = *parts_;
  ServerConfig& c = p.config;
  c.address = listenAddress(c);
  const std::string host = c.address == "0.0.0.0" ? "127.0.0.1" : c.address;
  const std::string scheme = c.tlsCert.empty() ? "http://" : "https://";
  p.url = !c.advertiseUrl.empty() ? c.advertiseUrl
                                  : scheme + host + ":" + std::to_string(p.http.port());
  if (c.nodeName.empty()) c.nodeName = hostName() + ":" + std::to_string(p.http.port());
  std::unique_ptr<Store> opened = openStore(c.storeUrl(), c.partitions);
  p.store = opened.get();
  p.engine = std::make_unique<Engine>(std::move(opened), engineOptions(c), &p.metrics);
  // The config's limits win over what was set at run time for the same actor and task list.
  for (const TaskLimit& limit : c.limits) p.engine->setLimit(limit);
  p.cluster = std::make_unique<Cluster>(
      *p.store, *p.engine,
      ClusterOptions{.nodeName = c.nodeName, .address = p.url, .leaseMs = c.leaseMs});
  p.workflows = std::make_unique<workflow::WorkflowRunner>(
      *p.engine,
      workflow::WorkflowRunnerOptions{
          .scripts = {.program = scriptProgram(c),
                      .timeoutMs = c.scriptTimeoutMs,
                      .memoryBytes = c.scriptMemoryMb << 20,
                      .processes = 2}});
  // A fire's process starts here or on the node owning its partition, as the API starts one.
  p.scheduler = std::make_unique<Scheduler>(
      *p.engine, &p.metrics,
      [&p](Json start, std::function<void(Result<StartedProcess>)> done) {
        p.api->startScheduledProcess(std::move(start), std::move(done));
      });
  Engine* engine = p.engine.get();
  p.retention = std::make_unique<Retention>(
      *p.store,
      RetentionOptions{.maxAgeMs = retentionMs(c),
                       .archiveDir = c.retentionArchiveDir,
                       .batch = c.retentionBatch},
      // Only the partitions this node owns: nodes of a cluster never delete the same rows.
      [engine] {
        std::vector<int> owned = engine->ownedPartitions();
        return static_cast<int>(owned.size()) == engine->partitions()
                   ? PartitionSet::all()
                   : PartitionSet::of(std::move(owned));
      },
      [engine](const EndedProcess& ended) {
        return archiveLineOf(ended, engine->options().defaultTimeoutMs);
      },
      &p.metrics);
  p.api = std::make_unique<RestApi>(
      *p.engine, p.metrics,
      RestApiOptions{.nodeName = c.nodeName,
                     .address = p.url,
                     .consoleDir = c.consoleDir.empty() ? builtConsole : c.consoleDir,
                     .tokens = TokenTable(c.tokens),
                     .nodeToken = c.nodeToken,
                     .tlsCa = c.tlsCa,
                     .corsOrigins = splitList(c.corsOrigins)},
      p.cluster.get(), p.workflows.get(), p.scheduler.get(),
      p.retention.get());
  p.http.onShutdownSignal([&p] { p.stop(); });
  if (p.cluster->shared() && !c.tokens.empty() && c.nodeToken.empty()) {
    throw ConfigError("node-token: a cluster node with tokens needs one (an admin token's secret, "
                      "the same tokens on every node) to forward requests to the others");
  }
  p.metrics.setInsecure(c.insecure && c.tokens.empty() && !isLoopback(c.address));
  if (c.tokens.empty() && c.insecure && !isLoopback(c.address)) {
    spdlog::warn("--insecure: listening on {} without tokens: anyone who reaches this port may "
                 "start, abort and read every process; add tokens (pledge-server token create)",
                 c.address);
  } else if (c.tokens.empty()) {
    spdlog::info("no tokens configured: open to every user of this machine, listening on {} only "
                 "(docs/security.md)",
                 c.address);
  } else {
    spdlog::info("{} tokens configured: every request needs one", c.tokens.size());
  }
  if (p.cluster->shared() && c.advertiseUrl.empty() && c.address == "0.0.0.0") {
    spdlog::warn("this node tells the others to reach it at {}, which works on this machine only; "
                 "set --advertise-url to an address they can reach",
                 p.url);
  }
}

Node::~Node() {
  // Stop before the parts go: the cluster hands its partitions over, the engine commits what
  // it acknowledged. All idempotent.
  parts_->stop();
}

void Node::run() {
  Parts& p = *parts_;
  p.cluster->start();
  p.scheduler->start();
  p.retention->start();
  if (p.config.portFile) {  // written whole, then renamed: a reader never sees it half-written
    const std::string partial = *p.config.portFile + ".partial";
    std::ofstream(partial) << p.http.port() << "\n";
    std::filesystem::rename(partial, *p.config.portFile);
  }
  spdlog::info("pledge-server {} listening on {} (store {}, {} partitions{})", p.config.nodeName,
               p.url, PgStore::redact(p.config.storeUrl()), p.engine->partitions(),
               p.cluster->shared() ? ", shared by a cluster" : "");
  p.http.run();
  p.stop();
  spdlog::info("pledge-server stopped");
}

int Node::port() const { return parts_->http.port(); }

const std::string& Node::url() const { return parts_->url; }

}  // namespace pledge::server
