// pledge-bench --workload chain|fanout|workflow-fanout|notification|waiting|events --n N [--server URL | --store
// URL --nodes K] [--json FILE] The end-to-end load driver: see load_run.h (events:
// events_run.cpp; --senders, --event-ids). Prints a summary and appends one JSON
// line per run to --json in the peers' format, so ../shared/peers/table.py prints Pledge beside the
// peers.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "load_run.h"

int main(int argc, char** argv) {
  pledge::bench::LoadOptions options;
  std::string jsonFile;
  int repeat = 1;
  CLI::App app{
      "pledge-bench: end-to-end load driver (W1 chain, W2 fanout, W3 notification; waiting, "
      "events)"};
  app.add_option("--workload", options.workload,
                 "chain, fanout, workflow-fanout (the fanout as a workflow), notification, "
                 "waiting (the scale run) or events (N processes wait for an event each, then N "
                 "events are sent)")
      ->capture_default_str();
  app.add_option("--n", options.n, "processes")->capture_default_str();
  app.add_option("--server", options.server, "target a running server instead of starting one");
  app.add_option(
      "--store", options.store,
      "store of the servers it starts: a postgresql:// URL (default: embedded, fresh folder)");
  app.add_option("--keep-store", options.keepStore,
                 "the embedded store in this folder, kept after the run and reused by the next: "
                 "measure on a store that earlier runs grew");
  app.add_option("--nodes", options.nodes,
                 "servers it starts on --store (more than 1 needs postgresql)")
      ->capture_default_str();
  app.add_option("--workers", options.workers, "worker processes (pledge-bootstrap)")
      ->capture_default_str();
  app.add_option("--decider-threads", options.deciderThreads, "decider threads per worker process")
      ->capture_default_str();
  app.add_option("--worker-threads", options.workerThreads, "worker threads per actor per process")
      ->capture_default_str();
  app.add_option("--poll-batch", options.pollBatch,
                 "tasks per poll (1 to 1000), or auto: each pool adapts its tasks in flight to "
                 "the measured round trips (pollBatch: auto)")
      ->check([](const std::string& value) -> std::string {
        if (value == "auto" || CLI::Range(1, 1000)(value).empty()) return "";
        return "expected auto or 1 to 1000, got " + value;
      })
      ->capture_default_str();
  app.add_option("--submitters", options.submitters, "threads submitting processes")
      ->capture_default_str();
  app.add_option("--batch", options.batch, "processes per start request (1 to 1000)")
      ->capture_default_str();
  app.add_option("--senders", options.senders, "events: threads sending the events")
      ->capture_default_str();
  app.add_flag("--event-ids", options.eventIds, "events: send each event with an id (idempotent)");
  app.add_option("--timeout-s", options.timeoutSeconds, "give up after")->capture_default_str();
  app.add_option("--token", options.token, "API token for --server (default $PLEDGE_TOKEN)");
  app.add_option("--server-args", options.serverArgs, "extra arguments for the server it starts");
  app.add_option("--runner-log-level", options.runnerLogLevel,
                 "the runners' log level (debug: each change of an in-flight limit); any but warn "
                 "keeps the run's folder with the servers' and runners' logs")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--json", jsonFile, "append one JSON line per run (the peers' format)");
  app.add_option("--repeat", repeat, "runs")->capture_default_str();
  app.add_flag("!--no-progress", options.progress, "no progress bar");
  CLI11_PARSE(app, argc, argv);
  if (const char* token = std::getenv("PLEDGE_TOKEN"); options.token.empty() && token != nullptr) {
    options.token = token;
  }
  try {
    for (int run = 0; run < repeat; ++run) {
      pledge::bench::LoadResult result = pledge::bench::LoadRun(options).execute();
      std::cout << result.summary << "\n";
      if (!jsonFile.empty()) std::ofstream(jsonFile, std::ios::app) << result.line.dump() << "\n";
      if (result.line["status"] != "ok") return 1;
    }
  } catch (const std::exception& error) {
    std::cerr << "pledge-bench: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
