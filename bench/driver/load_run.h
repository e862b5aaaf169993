// LoadRun: one end-to-end benchmark run of pledge-bench. Starts (or targets) a pledge-server,
// starts worker processes (pledge-bootstrap with the benchmark actors), submits N processes of a
// workload, waits until all N completed, verifies every result, and reports rates and
// latencies in the peers' format (../shared/peers/README.md).
//
//   LoadRun run(LoadOptions{.workload = "fanout", .n = 10'000});
//   LoadResult result = run.execute();
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "pledge/json.h"

namespace pledge {
class RestClient;
}

namespace pledge::bench {

// Workloads whose decider is a workflow (workflow_run.cpp): the server runs their steps.
inline bool isWorkflow(const std::string& decider) { return decider.starts_with("workflow:"); }
// Registers the definition of the bench workflow named by its actor ("workflow:NAME#V").
void registerBenchWorkflow(RestClient& client, const std::string& actor);

struct LoadOptions {
  // chain, fanout, workflow-fanout (fanout as a workflow), notification; waiting: the scale run (processes whose start task is due an
  // hour from now; reports the start rate and the server's memory); or events: N processes wait
  // for an event each, then the driver sends the N events (events_run.cpp).
  std::string workload = "chain";
  int n = 1000;
  // Target a running server; empty: start one on a fresh data folder and stop it after.
  std::string server;
  // The API token for --server (its workers get it too); empty: none.
  std::string token;
  // The store of the servers this run starts: empty for the embedded store in a fresh data folder,
  // or a postgresql:// URL (its database should be fresh: processes left there are reloaded).
  std::string store;
  // An embedded store kept in this folder (created when missing) instead of a fresh one, and
  // left there after the run: runs on a store that earlier runs grew (--repeat grows it too).
  std::string keepStore;
  // Servers this run starts on that store (more than one needs a shared store).
  int nodes = 1;
  // Worker processes (pledge-bootstrap) and their pools.
  int workers = 2;
  int deciderThreads = 2;
  int workerThreads = 4;
  // Tasks per poll of each pool: 1 to 1000, or "auto" (the runner's adaptive in-flight limit).
  std::string pollBatch = "auto";
  // Threads submitting processes, and processes per start request.
  int submitters = 2;
  int batch = 200;
  // events: threads sending events (one HTTP request per event), and whether each event carries
  // an id (idempotent sends: the server also records the id).
  int senders = 32;
  bool eventIds = false;
  int timeoutSeconds = 300;
  bool progress = true;
  // Passed to a server this run starts.
  std::string serverArgs;
  // The runners' log level; any but warn keeps the run's folder (its servers' and runners' logs)
  // and prints where it is.
  std::string runnerLogLevel = "warn";
};

struct LoadResult {
  // The peers' JSON line fields plus Pledge's extras (handoff latency, server RSS).
  Json line;
  std::string summary;
};

class LoadRun {
 public:
  explicit LoadRun(LoadOptions options);
  // Throws pledge::Error when the server or workers cannot be started.
  LoadResult execute();

 private:
  // The store of the run as its result line names it.
  std::string storeLabel() const;
  // The size of the --keep-store folder's files (0 without one).
  double keptStoreMb() const;
  LoadResult scaleRun(const std::string& url, pid_t serverPid);
  // The events workload once the servers and workers run (events_run.cpp).
  LoadResult eventsRun(RestClient& client, const std::function<std::string()>& metricsOfAllNodes,
                       const std::vector<pid_t>& serverPids, const std::vector<pid_t>& workers,
                       int nodes);
  // Starts node `index` of this run in `work`; returns its pid and URL.
  std::pair<pid_t, std::string> startServer(const std::string& work, int index);

  LoadOptions options_;
};

}  // namespace pledge::bench
