#include "load_run.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "measurements.h"
#include "pledge/rest_client.h"
#include "subprocess.h"

namespace pledge::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Workload {
  std::string decider;
  // The workload's tasks per process as the peers count them (the decider's are not counted).
  int tasksPerProcess;
  std::vector<std::string> workerActors;
  std::string plugin;  // relative to the build folder
  Json (*args)(int i);
  // Expected process result; null when any is fine.
  Json (*expected)(int i);
};

const std::map<std::string, Workload>& workloads() {
  static const std::map<std::string, Workload> table = {
      {"chain",
       {"Chain#1.0",
        3,
        {"Adder#1.0"},
        "bench/actors/libbench_actors.so",
        [](int i) { return Json::array({i}); },
        [](int i) { return Json(i + 3); }}},
      {"fanout",
       {"Fanout#1.0",
        12,
        {"Fan#1.0"},
        "bench/actors/libbench_actors.so",
        [](int i) { return Json::array({i}); },
        [](int i) { return Json(10 * (i + 1)); }}},
      // The same fanout as a workflow (workflow_run.cpp): the server's built-in decider.
      {"workflow-fanout",
       {"workflow:bench-fanout#1",
        12,
        {"Fan#1.0"},
        "bench/actors/libbench_actors.so",
        [](int i) { return Json::array({Json{{"i", i}}}); },
        [](int i) { return Json(10 * (i + 1)); }}},
      // The scale run: processes whose start task is due an hour from now; no workers.
      {"waiting",
       {"Chain#1.0",
        0,
        {},
        "bench/actors/libbench_actors.so",
        [](int i) { return Json::array({i}); },
        [](int) { return Json(); }}},
      // The events workload (events_run.cpp): start(key) waits for the event "go", then add1.
      {"events",
       {"Waiter#1.0",
        2,
        {"Adder#1.0"},
        "bench/actors/libbench_actors.so",
        [](int i) { return Json::array({fmt::format("events-{}", i)}); },
        [](int i) { return Json(i + 1); }}},
      {"notification",
       {"NotificationDecider#1.0",
        3,
        {"UserProfileService#1.0", "MailService#1.0", "SMSService#1.0"},
        "examples/notification/libnotification_actors.so",
        [](int i) {
          return Json::array({fmt::format("user-{}", i), "Your order has shipped"});
        },
        [](int) { return Json(); }}},
  };
  return table;
}

void drawProgress(int submitted, int completed, int n, double seconds) {
  const int width = 30;
  const int filled = n > 0 ? completed * width / n : width;
  std::fprintf(stderr, "\r  [%s%s] submitted %d/%d  completed %d/%d  %.1fs   ",
               std::string(static_cast<std::size_t>(filled), '=').c_str(),
               std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), submitted, n,
               completed, n, seconds);
  std::fflush(stderr);
}

}  // namespace

LoadRun::LoadRun(LoadOptions options) : options_(std::move(options)) {}

double LoadRun::keptStoreMb() const {
  if (options_.keepStore.empty()) return 0;
  std::error_code error;
  std::uintmax_t bytes = 0;
  for (const auto& entry : fs::directory_iterator(options_.keepStore, error)) {
    if (entry.is_regular_file(error)) bytes += entry.file_size(error);
  }
  return static_cast<double>(bytes) / 1e6;
}

std::string LoadRun::storeLabel() const {
  if (!options_.server.empty()) return "as configured";
  if (!options_.keepStore.empty()) {
    return fmt::format("sqlite (synchronous=FULL), kept in {}", options_.keepStore);
  }
  return options_.store.empty() ? "sqlite (synchronous=FULL)" : "postgresql";
}

std::pair<pid_t, std::string> LoadRun::startServer(const std::string& work, int index) {
  const fs::path build = fs::path(executableDir()).parent_path();
  const fs::path portFile = fs::path(work) / fmt::format("port-{}", index);
  const std::string log = (fs::path(work) / fmt::format("server-{}.log", index)).string();
  std::vector<std::string> argv = {(build / "server/pledge-server").string(),
                                   "--port",
                                   "0",
                                   "--address",
                                   "127.0.0.1",
                                   "--port-file",
                                   portFile.string(),
                                   "--log-level",
                                   "warn"};
  if (!options_.keepStore.empty()) {
    argv.insert(argv.end(), {"--data-dir", options_.keepStore});
  } else if (options_.store.empty()) {
    argv.insert(argv.end(), {"--data-dir", (fs::path(work) / "data").string()});
  } else {
    argv.insert(argv.end(),
                {"--store", options_.store, "--node-name", fmt::format("bench-{}", index)});
  }
  std::istringstream extra(options_.serverArgs);
  for (std::string arg; extra >> arg;) argv.push_back(arg);
  const pid_t pid = spawnProcess(argv, log);
  // A cluster node writes its port once it serves its share of the partitions.
  int port = 0;
  for (int i = 0; i < 6000 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::ifstream(portFile) >> port;
  }
  PLEDGE_REQUIRE(port > 0, "pledge-server did not start; see {}", log);
  return {pid, fmt::format("http://127.0.0.1:{}", port)};
}

LoadResult LoadRun::scaleRun(const std::string& url, pid_t serverPid) {
  RestClient::setIoThreads(std::max(4, options_.submitters));
  RestClient client({url}, RestClientOptions{.token = options_.token});
  const std::int64_t startTime = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count() +
                                 3'600'000;
  const auto t0 = Clock::now();
  std::atomic<int> next{0};
  std::atomic<int> submitted{0};
  std::vector<std::thread> submitters;
  std::mutex errorMutex;
  std::string error;
  for (int t = 0; t < options_.submitters; ++t) {
    submitters.emplace_back([&] {
      for (int first = next.fetch_add(options_.batch); first < options_.n;
           first = next.fetch_add(options_.batch)) {
        const int last = std::min(options_.n, first + options_.batch);
        std::vector<StartRequest> requests;
        for (int i = first; i < last; ++i) {
          requests.push_back(StartRequest{.actor = "Chain#1.0",
                                          .method = "start",
                                          .args = Json::array({i}),
                                          .options = {.startTime = startTime}});
        }
        try {
          for (const Result<StartedProcess>& started : client.startMany(requests)) {
            if (!started.ok()) throw started.error();
          }
          submitted += last - first;
        } catch (const std::exception& failure) {
          std::lock_guard lock(errorMutex);
          error = failure.what();
          return;
        }
      }
    });
  }
  auto lastDraw = Clock::now();
  while (submitted < options_.n && error.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (options_.progress && Clock::now() - lastDraw > std::chrono::milliseconds(200)) {
      drawProgress(submitted, submitted, options_.n,
                   std::chrono::duration<double>(Clock::now() - t0).count());
      lastDraw = Clock::now();
    }
  }
  for (std::thread& thread : submitters) thread.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (options_.progress) std::fputc('\n', stderr);
  PLEDGE_REQUIRE(error.empty(), "submitting failed: {}", error);
  // Not timed: let the last batches become dormant.
  const std::string dormantSample = "pledge_live_processes{where=\"dormant\"} ";
  const std::string memorySample = "pledge_live_processes{where=\"memory\"} ";
  double dormant = 0;
  double inMemory = 0;
  for (int i = 0; i < 600; ++i) {
    const std::string text = client.getText("/metrics");
    dormant = metric(text, dormantSample);
    inMemory = metric(text, memorySample);
    if (dormant >= options_.n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::int64_t nowKb = serverPid > 0 ? rssKb(serverPid, "VmRSS:") : 0;
  const std::int64_t peakKb = serverPid > 0 ? rssKb(serverPid) : 0;
  LoadResult result;
  result.line = {
      {"peer", "pledge"},
      {"version", "0.1.0"},
      {"workload", "waiting"},
      {"n", options_.n},
      {"submit_s", std::round(seconds * 1000) / 1000},
      {"start_per_s", std::round(options_.n / seconds)},
      {"dormant", dormant},
      {"in_memory", inMemory},
      {"server_rss_mb", nowKb > 0 ? Json(std::round(nowKb / 102.4) / 10) : Json()},
      {"server_peak_rss_mb", peakKb > 0 ? Json(std::round(peakKb / 102.4) / 10) : Json()},
      {"status", dormant >= options_.n ? "ok" : "INCOMPLETE"}};
  result.summary = fmt::format(
      "pledge waiting N={}: started in {:.1f}s ({:.0f} processes/s, batches of {}); {:.0f} "
      "dormant, {:.0f} in "
      "memory; server RSS {:.1f} MiB now, {:.1f} MiB peak",
      options_.n, seconds, options_.n / seconds, options_.batch, dormant, inMemory, nowKb / 1024.0,
      peakKb / 1024.0);
  return result;
}

LoadResult LoadRun::execute() {
  auto found = workloads().find(options_.workload);
  PLEDGE_REQUIRE(found != workloads().end(),
                 "workload: expected chain, fanout, workflow-fanout, notification, waiting or "
                 "events, got \"{}\"",
                 options_.workload);
  const Workload& workload = found->second;
  PLEDGE_REQUIRE(options_.n >= 1, "n: must be positive");
  const fs::path build = fs::path(executableDir()).parent_path();
  char pattern[] = "/tmp/pledge-bench-XXXXXX";
  const fs::path work = mkdtemp(pattern);

  // The servers: given, or ours (one on a fresh data folder, or several nodes on a shared store).
  PLEDGE_REQUIRE(options_.nodes >= 1, "nodes: must be positive");
  PLEDGE_REQUIRE(options_.nodes == 1 || options_.store.rfind("postgresql://", 0) == 0,
                 "nodes: {} nodes need a shared store; pass --store postgresql://...",
                 options_.nodes);
  PLEDGE_REQUIRE(options_.keepStore.empty() || (options_.store.empty() && options_.server.empty()),
                 "keep-store: an embedded store of the server this run starts; it does not go "
                 "with --store or --server (a PostgreSQL database keeps its data anyway)");
  // How big the kept store was when the run began (the files of its folder).
  const double storeMbBefore = keptStoreMb();
  std::vector<std::string> urls;
  std::vector<pid_t> serverPids;
  if (!options_.server.empty()) {
    urls.push_back(options_.server);
  } else {
    for (int node = 0; node < options_.nodes; ++node) {
      auto [pid, nodeUrl] = startServer(work.string(), node);
      serverPids.push_back(pid);
      urls.push_back(nodeUrl);
    }
  }
  auto stopServers = [&] {
    for (pid_t pid : serverPids) stopProcess(pid, SIGTERM, std::chrono::seconds(30));
    serverPids.clear();
  };
  const std::string url = urls.front();
  const pid_t serverPid = serverPids.empty() ? -1 : serverPids.front();

  if (options_.workload == "waiting") {
    PLEDGE_REQUIRE(urls.size() == 1, "workload waiting: runs on one node");
    LoadResult result = scaleRun(url, serverPid);
    stopServers();
    std::error_code ignored;
    fs::remove_all(work, ignored);
    return result;
  }

  // The workers: pledge-bootstrap processes with the workload's actors.
  const fs::path actorsYaml = work / "actors.yaml";
  {
    std::ofstream yaml(actorsYaml);
    yaml << "servers: [";
    for (std::size_t i = 0; i < urls.size(); ++i)
      yaml << (i > 0 ? ", " : "") << '"' << urls[i] << '"';
    yaml << "]\n";
    // (JSON quoting is YAML quoting for a token's characters.)
    if (!options_.token.empty()) yaml << "token: " << Json(options_.token).dump() << "\n";
    yaml << "plugins: [\"" << (build / workload.plugin).string() << "\"]\n";
    yaml << "actors:\n";
    if (!isWorkflow(workload.decider)) {  // a workflow's steps run in the server
      yaml << fmt::format("  - {{actor: \"{}\", threads: {}, pollBatch: {}}}\n",
                          workload.decider, options_.deciderThreads, options_.pollBatch);
    }
    for (const std::string& actor : workload.workerActors) {
      yaml << fmt::format("  - {{actor: \"{}\", threads: {}, pollBatch: {}}}\n", actor,
                          options_.workerThreads, options_.pollBatch);
    }
    yaml << "log: {level: " << options_.runnerLogLevel << "}\npoll: {waitMs: 1000}\n";
  }
  std::vector<pid_t> workers;
  for (int w = 0; w < options_.workers; ++w) {
    workers.push_back(
        spawnProcess({(build / "bootstrap/pledge-bootstrap").string(), "-f", actorsYaml.string()},
                     (work / fmt::format("worker-{}.log", w)).string()));
  }
  auto stopAll = [&] {
    for (pid_t pid : workers) stopProcess(pid, SIGTERM, std::chrono::seconds(20));
    workers.clear();
  };

  RestClient::setIoThreads(std::max(4, options_.submitters));
  RestClient client(urls, RestClientOptions{.token = options_.token});
  // Each node counts what it served; the run's figures are the sums over the nodes.
  std::vector<std::unique_ptr<RestClient>> nodeClients;
  for (const std::string& nodeUrl : urls) {
    nodeClients.push_back(std::make_unique<RestClient>(
        std::vector{nodeUrl}, RestClientOptions{.token = options_.token}));
  }
  auto metricsOfAllNodes = [&] {
    std::string text;
    for (auto& node : nodeClients) text += node->getText("/metrics");
    return text;
  };
  LoadResult result;
  try {
    // Not timed: register the workflow; wait until every worker process polls.
    if (isWorkflow(workload.decider)) registerBenchWorkflow(client, workload.decider);
    const std::string polled =
        isWorkflow(workload.decider) ? workload.workerActors.at(0) : workload.decider;
    for (int i = 0; i < 2000; ++i) {
      std::size_t pollers = 0;
      for (const Json& actor : client.actors()) {
        if (actor.at("actor") == polled) pollers = actor.at("pollers").size();
      }
      if (pollers >= static_cast<std::size_t>(options_.workers)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (options_.workload == "events") {
      result =
          eventsRun(client, metricsOfAllNodes, serverPids, workers, static_cast<int>(urls.size()));
    } else {
      const std::string completedSample = "pledge_processes_total{event=\"completed\"} ";
      const std::string metricsBefore = metricsOfAllNodes();
      const double completedBefore = metric(metricsBefore, completedSample);

      // Timed: submit N processes from several threads, until all N completed.
      const double loadBefore = load1();
      const double serverCpuBefore = cpuSecondsOf(serverPids);
      const double workerCpuBefore = cpuSecondsOf(workers);
      const auto t0 = Clock::now();
      std::vector<Uuid> processIds(static_cast<std::size_t>(options_.n));
      std::atomic<int> next{0};
      std::atomic<int> submitted{0};
      std::atomic<bool> submitFailed{false};
      std::string submitError;
      std::mutex submitErrorMutex;
      std::vector<std::thread> submitters;
      // Submitted in batches of options_.batch (BullMQ's driver uses addBulk of 200).
      for (int t = 0; t < options_.submitters; ++t) {
        submitters.emplace_back([&] {
          for (int first = next.fetch_add(options_.batch); first < options_.n && !submitFailed;
               first = next.fetch_add(options_.batch)) {
            const int last = std::min(options_.n, first + options_.batch);
            try {
              std::vector<StartRequest> requests;
              for (int i = first; i < last; ++i) {
                requests.push_back(
                    StartRequest{.actor = workload.decider,
                                 .method = isWorkflow(workload.decider) ? "execute" : "start",
                                 .args = workload.args(i)});
              }
              std::vector<Result<StartedProcess>> started = client.startMany(requests);
              for (int i = first; i < last; ++i) {
                const Result<StartedProcess>& one = started.at(static_cast<std::size_t>(i - first));
                if (!one.ok()) throw one.error();
                processIds[static_cast<std::size_t>(i)] = one.value().processId;
              }
              submitted += last - first;
            } catch (const std::exception& error) {
              std::lock_guard lock(submitErrorMutex);
              submitFailed = true;
              submitError = error.what();
            }
          }
        });
      }
      std::optional<Clock::time_point> submittedAt;
      double completed = 0;
      const auto deadline = t0 + std::chrono::seconds(options_.timeoutSeconds);
      auto lastDraw = Clock::now();
      while (Clock::now() < deadline) {
        if (!submittedAt && submitted == options_.n) submittedAt = Clock::now();
        completed = metric(metricsOfAllNodes(), completedSample) - completedBefore;
        if (options_.progress && Clock::now() - lastDraw > std::chrono::milliseconds(100)) {
          drawProgress(submitted, static_cast<int>(completed), options_.n,
                       std::chrono::duration<double>(Clock::now() - t0).count());
          lastDraw = Clock::now();
        }
        if (completed >= options_.n || submitFailed) break;
        // A scrape of /metrics costs the server ~0.2 ms: every 20 ms it is 1% of a core, and the
        // end of a run is seen at most 20 ms late (which counts against Pledge, not for it).
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      const auto t1 = Clock::now();
      const double serverCpu = cpuSecondsOf(serverPids) - serverCpuBefore;
      const double workerCpu = cpuSecondsOf(workers) - workerCpuBefore;
      for (std::thread& thread : submitters) thread.join();
      if (!submittedAt) submittedAt = t1;
      const double loadAfter = load1();
      if (options_.progress) {
        drawProgress(submitted, static_cast<int>(completed), options_.n,
                     std::chrono::duration<double>(t1 - t0).count());
        std::fputc('\n', stderr);
      }
      PLEDGE_REQUIRE(!submitFailed, "submitting failed: {}", submitError);
      const std::string metricsAfter = metricsOfAllNodes();

      // Not timed: verify every result.
      int verified = 0;
      int wrong = 0;
      {
        std::atomic<int> cursor{0};
        std::mutex countMutex;
        std::vector<std::thread> checkers;
        for (int t = 0; t < options_.submitters; ++t) {
          checkers.emplace_back([&] {
            for (int i = cursor++; i < options_.n; i = cursor++) {
              bool ok = false;
              try {
                ProcessInfo info = client.process(processIds[static_cast<std::size_t>(i)]);
                const Json want = workload.expected(i);
                ok = info.state == ProcessState::Completed &&
                     (want.is_null() || info.result == want);
              } catch (const std::exception&) {
              }
              std::lock_guard lock(countMutex);
              (ok ? verified : wrong) += 1;
            }
          });
        }
        for (std::thread& thread : checkers) thread.join();
      }

      const double elapsed = std::chrono::duration<double>(t1 - t0).count();
      const bool finished = completed >= options_.n;
      const double tasks = static_cast<double>(options_.n) * workload.tasksPerProcess;
      auto before = handoffBuckets(metricsBefore);
      auto after = handoffBuckets(metricsAfter);
      std::optional<double> p50 = quantileMs(before, after, 0.50);
      std::optional<double> p99 = quantileMs(before, after, 0.99);
      const std::int64_t peakKb = peakRssKbOf(serverPids);
      const auto round = roundTo;
      const std::string concurrency = fmt::format("{}+{}thr x{}", options_.deciderThreads,
                                                  options_.workerThreads, options_.pollBatch);
      Json line = {
          {"peer", "pledge"},
          {"version", "0.1.0"},
          {"workload", options_.workload},
          {"n", options_.n},
          {"tasks", static_cast<std::int64_t>(tasks)},
          {"workers", options_.workers},
          {"concurrency", concurrency},
          {"submit_s", round(std::chrono::duration<double>(*submittedAt - t0).count(), 3)},
          {"total_s", round(elapsed, 3)},
          {"status", finished && verified == options_.n ? "ok" : (finished ? "WRONG" : "TIMEOUT")},
          {"completed_tasks", static_cast<std::int64_t>(completed * workload.tasksPerProcess)},
          {"failed_tasks", 0},
          {"verified", verified},
          {"wrong", wrong},
          {"proc_per_s", finished ? Json(round(options_.n / elapsed, 1)) : Json()},
          {"tasks_per_s",
           round((finished ? tasks : completed * workload.tasksPerProcess) / elapsed, 1)},
          {"load1_before", round(loadBefore, 2)},
          {"load1_after", round(loadAfter, 2)},
          {"handoff_p50_ms", p50 ? Json(round(*p50, 3)) : Json()},
          {"handoff_p99_ms", p99 ? Json(round(*p99, 3)) : Json()},
          {"server_peak_rss_mb", peakKb > 0 ? Json(round(peakKb / 1024.0, 1)) : Json()},
          // CPU time per task of the timed window (what the 2 cores are spent on).
          {"server_cpu_us_per_task",
           !serverPids.empty() ? Json(round(serverCpu * 1e6 / tasks, 1)) : Json()},
          {"workers_cpu_us_per_task", round(workerCpu * 1e6 / tasks, 1)},
          {"store", storeLabel()},
          {"store_mb_before", options_.keepStore.empty() ? Json() : Json(round(storeMbBefore, 1))},
          {"nodes", static_cast<int>(urls.size())},
      };
      result.line = line;
      result.summary = fmt::format(
          "pledge {} N={} on {} node(s): {} in {:.3f}s (submit {:.3f}s) -> {:.1f} proc/s, {:.1f} "
          "tasks/s; hand-off p50 {} ms, "
          "p99 {} ms; server peak RSS {}; CPU per task: server {}, workers {:.1f} us; verified "
          "{}/{}; {} worker "
          "processes x ({} decider + {} worker threads, poll batch {}){}",
          options_.workload, options_.n, urls.size(), line["status"].get<std::string>(), elapsed,
          line["submit_s"].get<double>(), finished ? options_.n / elapsed : 0.0,
          line["tasks_per_s"].get<double>(), p50 ? fmt::format("{:.3f}", *p50) : "-",
          p99 ? fmt::format("{:.3f}", *p99) : "-",
          peakKb > 0 ? fmt::format("{:.1f} MiB", peakKb / 1024.0) : "n/a (not started here)",
          !serverPids.empty() ? fmt::format("{:.1f}", serverCpu * 1e6 / tasks) : "n/a",
          workerCpu * 1e6 / tasks, verified, options_.n, options_.workers, options_.deciderThreads,
          options_.workerThreads, options_.pollBatch,
          options_.keepStore.empty()
              ? ""
              : fmt::format("; kept store {:.1f} MB at the start", storeMbBefore));
    }
  } catch (...) {
    stopAll();
    stopServers();
    throw;
  }
  stopAll();
  stopServers();
  std::error_code ignored;
  if (options_.runnerLogLevel == "warn") {
    fs::remove_all(work, ignored);
  } else {
    fmt::print(stderr, "the run's logs are kept in {}\n", work.string());
  }
  return result;
}

}  // namespace pledge::bench
