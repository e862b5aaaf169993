// The events workload of pledge-bench (LoadRun::eventsRun): N processes of Waiter#1.0 each wait
// for the event "go" keyed "<run>-<i>"; once all of them listen, sender threads send the N events
// (payload i) as fast as the server answers, one POST /api/v1/events each. Each process then runs
// add1(payload) on a worker and completes with i + 1.
//
// Measured from the first send: events/s (to the last answer), processes completed/s (to the last
// endedAt the server recorded), the send's round trip (until the event is durable and delivered)
// and the wait-to-resume latency of each process: from its event's answer (driver clock) to its
// endedAt (server clock, whole ms, floored; same machine), p50 and p99, and from its send to its
// endedAt. Starting the processes and waiting until
// they listen is not timed. Every result is verified; an event that found nobody waiting (kept)
// is counted and makes the run's status NOT_LISTENING.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "load_run.h"
#include "measurements.h"
#include "pledge/rest_client.h"

namespace pledge::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kDecider = "Waiter#1.0";

std::int64_t epochUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The q-quantile (nearest rank) of sorted values.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

void drawProgress(const char* phase, int done, int n, double seconds) {
  const int width = 30;
  const int filled = n > 0 ? done * width / n : width;
  std::fprintf(stderr, "\r  %-10s [%s%s] %d/%d  %.1fs   ", phase,
               std::string(static_cast<std::size_t>(filled), '=').c_str(),
               std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), done, n,
               seconds);
  std::fflush(stderr);
}

// Whether the process's event task is listening (GET /api/v1/processes/{id}/tasks).
bool listening(RestClient& client, const Uuid& processId) {
  const Json answer = client.processTasks(processId);
  const Json& tasks = answer.is_object() && answer.contains("items") ? answer.at("items") : answer;
  for (const Json& task : tasks) {
    if (task.value("type", "") == "event") return task.value("state", "") == "listening";
  }
  return false;
}

}  // namespace

LoadResult LoadRun::eventsRun(RestClient& client,
                              const std::function<std::string()>& metricsOfAllNodes,
                              const std::vector<pid_t>& serverPids,
                              const std::vector<pid_t>& workers, int nodes) {
  PLEDGE_REQUIRE(options_.senders >= 1, "senders: must be positive");
  const int n = options_.n;
  const auto deadline = Clock::now() + std::chrono::seconds(options_.timeoutSeconds);
  // Keys of this run only: a --server may hold waiters of earlier runs.
  const std::string run = Uuid::randomV4().toString().substr(0, 8);
  auto keyOf = [&](int i) { return fmt::format("{}-{}", run, i); };

  // Not timed: start the N waiters.
  const auto startedAt = Clock::now();
  std::vector<Uuid> processIds(static_cast<std::size_t>(n));
  {
    std::atomic<int> next{0};
    std::atomic<int> submitted{0};
    std::mutex errorMutex;
    std::string error;
    std::vector<std::thread> submitters;
    for (int t = 0; t < options_.submitters; ++t) {
      submitters.emplace_back([&] {
        for (int first = next.fetch_add(options_.batch); first < n;
             first = next.fetch_add(options_.batch)) {
          const int last = std::min(n, first + options_.batch);
          try {
            std::vector<StartRequest> requests;
            for (int i = first; i < last; ++i) {
              requests.push_back(StartRequest{
                  .actor = kDecider, .method = "start", .args = Json::array({keyOf(i)})});
            }
            std::vector<Result<StartedProcess>> started = client.startMany(requests);
            for (int i = first; i < last; ++i) {
              const Result<StartedProcess>& one = started.at(static_cast<std::size_t>(i - first));
              if (!one.ok()) throw one.error();
              processIds[static_cast<std::size_t>(i)] = one.value().processId;
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
    for (std::thread& thread : submitters) thread.join();
    PLEDGE_REQUIRE(error.empty(), "starting the waiters failed: {}", error);
  }
  const double submitSeconds = std::chrono::duration<double>(Clock::now() - startedAt).count();

  // Not timed: wait until every start task ran (the decider's queue is empty) and a sample of
  // the processes, the last started among them, shows its event task listening. The answers to
  // the sends say whether every event found its waiter (kept == 0).
  for (bool ready = false; !ready;) {
    PLEDGE_REQUIRE(Clock::now() < deadline, "the waiters did not all listen within {} s",
                   options_.timeoutSeconds);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bool drained = false;
    for (const Json& actor : client.actors()) {
      if (actor.at("actor") == kDecider) {
        drained = actor.value("ready", 0) == 0 && actor.value("running", 0) == 0;
      }
    }
    if (!drained) continue;
    ready = true;
    const int samples = std::min(n, 16);
    for (int s = samples; s >= 1 && ready; --s) {
      ready = listening(
          client,
          processIds[static_cast<std::size_t>(static_cast<std::int64_t>(n) * s / samples - 1)]);
    }
    if (options_.progress) {
      drawProgress("listening", ready ? n : 0, n,
                   std::chrono::duration<double>(Clock::now() - startedAt).count());
    }
  }
  if (options_.progress) std::fputc('\n', stderr);
  // A task shows as listening before the commit that records its wait: give that commit time.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double listenSeconds = std::chrono::duration<double>(Clock::now() - startedAt).count();

  // Timed: send the N events from several threads; wait until all N processes completed.
  const std::string completedSample = "pledge_processes_total{event=\"completed\"} ";
  const std::string metricsBefore = metricsOfAllNodes();
  const double completedBefore = metric(metricsBefore, completedSample);
  const double loadBefore = load1();
  const double serverCpuBefore = cpuSecondsOf(serverPids);
  const double workerCpuBefore = cpuSecondsOf(workers);
  std::vector<std::int64_t> sentUs(static_cast<std::size_t>(n));
  std::vector<std::int64_t> ackUs(static_cast<std::size_t>(n));
  std::atomic<int> next{0};
  std::atomic<int> sent{0};
  std::atomic<int> kept{0};
  std::atomic<int> unresolved{0};
  std::atomic<bool> sendFailed{false};
  std::mutex errorMutex;
  std::string sendError;
  const auto t0 = Clock::now();
  const std::int64_t t0Us = epochUs();
  std::vector<std::thread> senders;
  for (int t = 0; t < options_.senders; ++t) {
    senders.emplace_back([&] {
      for (int i = next++; i < n && !sendFailed; i = next++) {
        Event event{.name = "go", .key = keyOf(i), .payload = i};
        if (options_.eventIds) event.id = event.key;
        try {
          sentUs[static_cast<std::size_t>(i)] = epochUs();
          const EventDelivery delivery = client.sendEvent(event);
          ackUs[static_cast<std::size_t>(i)] = epochUs();
          if (delivery.kept) ++kept;
          if (delivery.resolved != 1) ++unresolved;
          ++sent;
        } catch (const std::exception& error) {
          std::lock_guard lock(errorMutex);
          sendFailed = true;
          sendError = error.what();
        }
      }
    });
  }
  double completed = 0;
  auto lastDraw = Clock::now();
  while (Clock::now() < deadline) {
    completed = metric(metricsOfAllNodes(), completedSample) - completedBefore;
    if (options_.progress && Clock::now() - lastDraw > std::chrono::milliseconds(100)) {
      drawProgress("completed", static_cast<int>(completed), n,
                   std::chrono::duration<double>(Clock::now() - t0).count());
      lastDraw = Clock::now();
    }
    if (completed >= n || sendFailed) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto t1 = Clock::now();
  const double serverCpu = cpuSecondsOf(serverPids) - serverCpuBefore;
  const double workerCpu = cpuSecondsOf(workers) - workerCpuBefore;
  for (std::thread& thread : senders) thread.join();
  const double loadAfter = load1();
  if (options_.progress) {
    drawProgress("completed", static_cast<int>(completed), n,
                 std::chrono::duration<double>(t1 - t0).count());
    std::fputc('\n', stderr);
  }
  PLEDGE_REQUIRE(!sendFailed, "sending events failed: {}", sendError);
  const std::string metricsAfter = metricsOfAllNodes();
  const bool finished = completed >= n;

  // Not timed: verify every result and read when each process ended.
  std::vector<std::int64_t> endedAtMs(static_cast<std::size_t>(n), 0);
  std::atomic<int> verified{0};
  std::atomic<int> wrong{0};
  {
    std::atomic<int> cursor{0};
    std::vector<std::thread> checkers;
    for (int t = 0; t < std::max(2, options_.submitters); ++t) {
      checkers.emplace_back([&] {
        for (int i = cursor++; i < n; i = cursor++) {
          bool ok = false;
          try {
            const ProcessInfo info = client.process(processIds[static_cast<std::size_t>(i)]);
            ok = info.state == ProcessState::Completed && info.result == Json(i + 1) &&
                 info.endedAt.has_value();
            if (ok) endedAtMs[static_cast<std::size_t>(i)] = *info.endedAt;
          } catch (const std::exception&) {
          }
          ++(ok ? verified : wrong);
        }
      });
    }
    for (std::thread& thread : checkers) thread.join();
  }

  // The figures. Send throughput: first send to last answer; completions: first send to the
  // last endedAt; per process: answer -> endedAt (wait-to-resume) and send -> answer.
  std::vector<double> resumeMs;
  std::vector<double> sendToEndMs;
  std::vector<double> ackMs;
  std::int64_t lastAckUs = t0Us;
  std::int64_t lastEndMs = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    lastAckUs = std::max(lastAckUs, ackUs[i]);
    ackMs.push_back(static_cast<double>(ackUs[i] - sentUs[i]) / 1000.0);
    if (endedAtMs[i] == 0) continue;
    lastEndMs = std::max(lastEndMs, endedAtMs[i]);
    resumeMs.push_back(static_cast<double>(endedAtMs[i]) - static_cast<double>(ackUs[i]) / 1000.0);
    sendToEndMs.push_back(static_cast<double>(endedAtMs[i]) -
                          static_cast<double>(sentUs[i]) / 1000.0);
  }
  std::sort(resumeMs.begin(), resumeMs.end());
  std::sort(sendToEndMs.begin(), sendToEndMs.end());
  std::sort(ackMs.begin(), ackMs.end());
  const double sendSeconds = static_cast<double>(lastAckUs - t0Us) / 1e6;
  const bool allEnded = static_cast<int>(resumeMs.size()) == n;
  const double totalSeconds =
      allEnded ? std::max(1e-3, (static_cast<double>(lastEndMs) * 1000 - t0Us) / 1e6)
               : std::chrono::duration<double>(t1 - t0).count();
  // Group commits per event: how many events (and the deliveries, add1 releases and completions
  // they cause) share one store transaction.
  const std::string commitsSample = "pledge_store_commits_total ";
  const double commits = metric(metricsAfter, commitsSample) - metric(metricsBefore, commitsSample);
  auto before = handoffBuckets(metricsBefore);
  auto after = handoffBuckets(metricsAfter);
  std::optional<double> handoffP50 = quantileMs(before, after, 0.50);
  std::optional<double> handoffP99 = quantileMs(before, after, 0.99);
  const std::int64_t peakKb = peakRssKbOf(serverPids);
  const auto round = roundTo;
  // The event task and add1 (the decider's start task is not counted, as in the other workloads).
  const double tasks = 2.0 * n;
  const std::string status = !finished       ? "TIMEOUT"
                             : verified != n ? "WRONG"
                             : kept > 0      ? "NOT_LISTENING"
                                             : "ok";
  const std::string concurrency = fmt::format("{}+{}thr x{}", options_.deciderThreads,
                                              options_.workerThreads, options_.pollBatch);
  LoadResult result;
  result.line = {
      {"peer", "pledge"},
      {"version", "0.1.0"},
      {"workload", "events"},
      {"n", n},
      {"tasks", static_cast<std::int64_t>(tasks)},
      {"workers", options_.workers},
      {"concurrency", concurrency},
      {"senders", options_.senders},
      {"event_ids", options_.eventIds},
      // Starting the waiters, and until they all listened (not part of the rates).
      {"submit_s", round(submitSeconds, 3)},
      {"listen_s", round(listenSeconds, 3)},
      {"send_s", round(sendSeconds, 3)},
      {"total_s", round(totalSeconds, 3)},
      {"status", status},
      {"completed_tasks", static_cast<std::int64_t>(completed * 2)},
      {"failed_tasks", 0},
      {"verified", verified.load()},
      {"wrong", wrong.load()},
      {"kept", kept.load()},
      {"unresolved", unresolved.load()},
      {"events_per_s", round(n / std::max(sendSeconds, 1e-3), 1)},
      {"proc_per_s", finished ? Json(round(n / totalSeconds, 1)) : Json()},
      {"tasks_per_s", round((finished ? tasks : completed * 2) / totalSeconds, 1)},
      {"resume_p50_ms", allEnded ? Json(round(quantile(resumeMs, 0.50), 1)) : Json()},
      {"resume_p99_ms", allEnded ? Json(round(quantile(resumeMs, 0.99), 1)) : Json()},
      {"send_to_end_p50_ms", allEnded ? Json(round(quantile(sendToEndMs, 0.50), 1)) : Json()},
      {"send_to_end_p99_ms", allEnded ? Json(round(quantile(sendToEndMs, 0.99), 1)) : Json()},
      {"send_p50_ms", round(quantile(ackMs, 0.50), 2)},
      {"send_p99_ms", round(quantile(ackMs, 0.99), 2)},
      {"store_commits_per_event", round(commits / n, 3)},
      {"load1_before", round(loadBefore, 2)},
      {"load1_after", round(loadAfter, 2)},
      {"handoff_p50_ms", handoffP50 ? Json(round(*handoffP50, 3)) : Json()},
      {"handoff_p99_ms", handoffP99 ? Json(round(*handoffP99, 3)) : Json()},
      {"server_peak_rss_mb", peakKb > 0 ? Json(round(peakKb / 1024.0, 1)) : Json()},
      {"server_cpu_us_per_event",
       !serverPids.empty() ? Json(round(serverCpu * 1e6 / n, 1)) : Json()},
      {"workers_cpu_us_per_event", round(workerCpu * 1e6 / n, 1)},
      {"store", storeLabel()},
      {"nodes", nodes},
  };
  auto ms = [&](const char* field) {
    const Json& value = result.line[field];
    return value.is_null() ? std::string("-") : fmt::format("{}", value.get<double>());
  };
  result.summary = fmt::format(
      "pledge events N={} on {} node(s): {}; {} events sent in {:.3f}s ({:.1f} events/s, {} "
      "senders{}), all completed {:.3f}s after the first send ({} proc/s); wait-to-resume "
      "(event answered -> process ended) p50 {} ms, p99 {} ms (from the send: p50 {} ms, p99 {} "
      "ms); send round trip p50 {} ms, p99 {} ms; {} event(s) found no waiter; waiters started "
      "in {:.1f}s, all listening after {:.1f}s; {:.3f} store commits per event; server peak RSS "
      "{}; CPU per event: server {}, workers {:.1f} us; verified {}/{}",
      n, nodes, status, n, sendSeconds, result.line["events_per_s"].get<double>(), options_.senders,
      options_.eventIds ? ", with ids" : "", totalSeconds,
      finished ? fmt::format("{:.1f}", n / totalSeconds) : "-", ms("resume_p50_ms"),
      ms("resume_p99_ms"), ms("send_to_end_p50_ms"), ms("send_to_end_p99_ms"), ms("send_p50_ms"),
      ms("send_p99_ms"), kept.load(), submitSeconds, listenSeconds, commits / n,
      peakKb > 0 ? fmt::format("{:.1f} MiB", peakKb / 1024.0) : "n/a (not started here)",
      !serverPids.empty() ? fmt::format("{:.1f}", serverCpu * 1e6 / n) : "n/a", workerCpu * 1e6 / n,
      verified.load(), n);
  return result;
}

}  // namespace pledge::bench
