#include "pledge/server/node/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <mutex>

namespace pledge::server {
namespace {

// The gauges of each limit, (actor, task list): maxRunning (null when unset) and running.
using LimitGauges = std::map<std::pair<std::string, std::string>,
                             std::pair<prometheus::Gauge*, prometheus::Gauge*>>;

}  // namespace

struct Metrics::Families {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& processes = prometheus::BuildCounter()
      .Name("pledge_processes_total")
      .Help("Processes by what happened to them: started, completed, broken, aborted")
      .Register(registry);
  prometheus::Counter& started = processes.Add({{"event", "started"}});
  prometheus::Counter& completed = processes.Add({{"event", "completed"}});
  prometheus::Counter& broken = processes.Add({{"event", "broken"}});
  prometheus::Counter& aborted = processes.Add({{"event", "aborted"}});

  prometheus::Family<prometheus::Counter>& tasks =
      prometheus::BuildCounter()
          .Name("pledge_tasks_total")
          .Help(
              "Task attempts by outcome: handed_out, released, failed (error or lost lease), "
              "retried, returned "
              "(its poll's answer never reached the poller)")
          .Register(registry);
  prometheus::Counter& handedOut = tasks.Add({{"event", "handed_out"}});
  prometheus::Counter& released = tasks.Add({{"event", "released"}});
  prometheus::Counter& failed = tasks.Add({{"event", "failed"}});
  prometheus::Counter& retried = tasks.Add({{"event", "retried"}});
  prometheus::Counter& returned = tasks.Add({{"event", "returned"}});

  prometheus::Family<prometheus::Counter>& events =
      prometheus::BuildCounter()
          .Name("pledge_events_total")
          .Help("Events (docs/events.md): received (sent to this node), delivered (to an event "
                "task of this node), timed_out (event tasks whose wait ran out)")
          .Register(registry);
  prometheus::Counter& eventsReceived = events.Add({{"event", "received"}});
  prometheus::Counter& eventsDelivered = events.Add({{"event", "delivered"}});
  prometheus::Counter& eventsTimedOut = events.Add({{"event", "timed_out"}});

  prometheus::Family<prometheus::Counter>& scheduleFires =
      prometheus::BuildCounter()
          .Name("pledge_schedule_fires_total")
          .Help("Processes started by schedules on this node (fires, caught-up fires, triggers)")
          .Register(registry);
  prometheus::Counter& scheduleFireCount = scheduleFires.Add({});
  prometheus::Family<prometheus::Counter>& scheduleSkips =
      prometheus::BuildCounter()
          .Name("pledge_schedule_skipped_total")
          .Help("Schedule fires skipped because the schedule's previous process still ran")
          .Register(registry);
  prometheus::Counter& scheduleSkipCount = scheduleSkips.Add({});

  prometheus::Family<prometheus::Gauge>& queue = prometheus::BuildGauge()
      .Name("pledge_queue_tasks")
      .Help("Live tasks per actor and task list by state: ready, running, waiting")
      .Register(registry);

  prometheus::Family<prometheus::Histogram>& requests = prometheus::BuildHistogram()
      .Name("pledge_http_request_seconds")
      .Help("HTTP request latency by route (a long poll counts its wait)")
      .Register(registry);

  prometheus::Family<prometheus::Counter>& commits = prometheus::BuildCounter()
      .Name("pledge_store_commits_total")
      .Help("Store transactions (group commits)")
      .Register(registry);
  prometheus::Counter& commitCount = commits.Add({});
  prometheus::Family<prometheus::Counter>& commitFailures =
      prometheus::BuildCounter()
          .Name("pledge_store_commit_failures_total")
          .Help(
              "Group commits that failed (nothing of them was acknowledged; the node reloaded from "
              "the store)")
          .Register(registry);
  prometheus::Counter& commitFailureCount = commitFailures.Add({});
  prometheus::Family<prometheus::Counter>& rows = prometheus::BuildCounter()
      .Name("pledge_store_rows_total")
      .Help("Rows written by group commits")
      .Register(registry);
  prometheus::Counter& rowCount = rows.Add({});
  prometheus::Family<prometheus::Histogram>& commitSeconds = prometheus::BuildHistogram()
      .Name("pledge_store_commit_seconds")
      .Help("Duration of one group commit, from the batch taken to its commit returned")
      .Register(registry);
  prometheus::Histogram& commitLatency = commitSeconds.Add(
      {}, prometheus::Histogram::BucketBoundaries{0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05,
                                                  0.1, 0.5, 1});

  prometheus::Family<prometheus::Histogram>& handoff = prometheus::BuildHistogram()
      .Name("pledge_task_handoff_seconds")
      .Help("Time from a task becoming ready to a poll handing it out (commit wait included)")
      .Register(registry);
  // Fine below a millisecond: a hand-off at low load is one fsync and a few tenths of a ms, and
  // the target for it is one fsync + 0.3 ms.
  prometheus::Histogram& handoffLatency = handoff.Add(
      {}, prometheus::Histogram::BucketBoundaries{
              0.00005, 0.0001, 0.00015, 0.0002, 0.00025, 0.0003, 0.00035, 0.0004, 0.00045, 0.0005,
              0.0006, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1,
              5});

  prometheus::Family<prometheus::Gauge>& live =
      prometheus::BuildGauge()
          .Name("pledge_live_processes")
          .Help(
              "Running and broken processes: in memory, or dormant (in the store until their next "
              "task is due)")
          .Register(registry);
  prometheus::Gauge& inMemory = live.Add({{"where", "memory"}});
  prometheus::Gauge& dormant = live.Add({{"where", "dormant"}});
  prometheus::Gauge& waitingForMemory =
      prometheus::BuildGauge()
          .Name("pledge_processes_waiting_for_memory")
          .Help("Memory budget: due processes waiting in the store for room in memory")
          .Register(registry)
          .Add({});
  prometheus::Gauge& liveMemory =
      prometheus::BuildGauge()
          .Name("pledge_live_memory_bytes")
          .Help("Memory budget: the estimate of the memory the processes in memory take")
          .Register(registry)
          .Add({});
  prometheus::Gauge& memoryBudget =
      prometheus::BuildGauge()
          .Name("pledge_memory_budget_bytes")
          .Help("Memory budget: --memory-budget-mb in bytes (0: none)")
          .Register(registry)
          .Add({});

  prometheus::Family<prometheus::Gauge>& insecureFamily =
      prometheus::BuildGauge()
          .Name("pledge_insecure")
          .Help("WARNING when 1: this node listens beyond loopback without tokens (--insecure): "
                "anyone who reaches its port may do anything")
          .Register(registry);
  prometheus::Gauge& insecure = insecureFamily.Add({});

  prometheus::Family<prometheus::Counter>& forwarded =
      prometheus::BuildCounter()
          .Name("pledge_forwarded_requests_total")
          .Help(
              "Requests (or parts) sent on to the node owning their process: process, release, "
              "start, gather")
          .Register(registry);
  prometheus::Counter& forwardedProcess = forwarded.Add({{"kind", "process"}});
  prometheus::Counter& forwardedRelease = forwarded.Add({{"kind", "release"}});
  prometheus::Counter& forwardedStart = forwarded.Add({{"kind", "start"}});
  prometheus::Counter& forwardedGather = forwarded.Add({{"kind", "gather"}});

  // Retention (docs/operations.md "Retention").
  prometheus::Counter& retentionProcesses = prometheus::BuildCounter()
      .Name("pledge_retention_deleted_processes_total")
      .Help("Ended processes retention deleted from the store")
      .Register(registry)
      .Add({});
  prometheus::Counter& retentionTasks = prometheus::BuildCounter()
      .Name("pledge_retention_deleted_tasks_total")
      .Help("Tasks of the processes retention deleted")
      .Register(registry)
      .Add({});
  prometheus::Counter& retentionBytes = prometheus::BuildCounter()
      .Name("pledge_retention_archived_bytes_total")
      .Help("Bytes retention appended to its archive before deleting")
      .Register(registry)
      .Add({});
  prometheus::Counter& retentionFailures = prometheus::BuildCounter()
      .Name("pledge_retention_failures_total")
      .Help("Retention passes that failed (GET /api/v1/retention says why)")
      .Register(registry)
      .Add({});
  prometheus::Gauge& retentionLastRun = prometheus::BuildGauge()
      .Name("pledge_retention_last_run_timestamp_seconds")
      .Help("When the last retention pass ran (Unix time)")
      .Register(registry)
      .Add({});
  prometheus::Family<prometheus::Gauge>& limitMaxRunning =
      prometheus::BuildGauge()
          .Name("pledge_limit_max_running")
          .Help("Limits: the tasks of an actor (task_list empty: all its task lists) this node "
                "may have running at once, its share of maxRunning")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& limitRunning =
      prometheus::BuildGauge()
          .Name("pledge_tasks_running")
          .Help("Limits: tasks running on this node that count against a limit")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& limitHeld =
      prometheus::BuildCounter()
          .Name("pledge_limit_held_total")
          .Help("Limits: polls that found ready tasks held back by a limit")
          .Register(registry);
  // The gauges of the limits of the last scrape, removed when their limit goes.
  std::mutex limitsMutex;
  LimitGauges limitGauges;

  std::mutex routesMutex;
  std::map<std::string, prometheus::Histogram*, std::less<>> routes;
};

Metrics::Metrics() : families_(std::make_unique<Families>()) {}
Metrics::~Metrics() = default;

void Metrics::processStarted() { families_->started.Increment(); }
void Metrics::processCompleted() { families_->completed.Increment(); }
void Metrics::processBroken() { families_->broken.Increment(); }
void Metrics::processAborted() { families_->aborted.Increment(); }
void Metrics::tasksHandedOut(std::int64_t count) {
  families_->handedOut.Increment(static_cast<double>(count));
}
void Metrics::tasksReturned(std::int64_t count) {
  families_->returned.Increment(static_cast<double>(count));
}
void Metrics::taskReleased() { families_->released.Increment(); }
void Metrics::taskFailed() { families_->failed.Increment(); }
void Metrics::taskRetried() { families_->retried.Increment(); }
void Metrics::eventReceived() { families_->eventsReceived.Increment(); }
void Metrics::eventDelivered() { families_->eventsDelivered.Increment(); }
void Metrics::eventTimedOut() { families_->eventsTimedOut.Increment(); }
void Metrics::scheduleFired() { families_->scheduleFireCount.Increment(); }
void Metrics::scheduleSkipped() { families_->scheduleSkipCount.Increment(); }

void Metrics::requestForwarded(std::string_view kind) {
  if (kind == "process") families_->forwardedProcess.Increment();
  if (kind == "release") families_->forwardedRelease.Increment();
  if (kind == "start") families_->forwardedStart.Increment();
  if (kind == "gather") families_->forwardedGather.Increment();
}

void Metrics::batchCommitted(std::int64_t rows, double seconds) {
  families_->commitCount.Increment();
  families_->rowCount.Increment(static_cast<double>(rows));
  families_->commitLatency.Observe(seconds);
}

void Metrics::retentionBatch(std::int64_t processes, std::int64_t tasks,
                             std::int64_t archivedBytes) {
  families_->retentionProcesses.Increment(static_cast<double>(processes));
  families_->retentionTasks.Increment(static_cast<double>(tasks));
  families_->retentionBytes.Increment(static_cast<double>(archivedBytes));
}

void Metrics::retentionPassEnded(std::int64_t at, bool failed) {
  families_->retentionLastRun.Set(static_cast<double>(at) / 1000.0);
  if (failed) families_->retentionFailures.Increment();
}

void Metrics::commitFailed() { families_->commitFailureCount.Increment(); }

void Metrics::handedOut(double secondsSinceReady) {
  families_->handoffLatency.Observe(secondsSinceReady);
}

void Metrics::observeRequest(std::string_view route, double seconds) {
  prometheus::Histogram* histogram = nullptr;
  {
    std::lock_guard lock(families_->routesMutex);
    auto it = families_->routes.find(route);
    if (it == families_->routes.end()) {
      std::string name(route);
      histogram = &families_->requests.Add(
          {{"route", name}},
          prometheus::Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                  0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30});
      families_->routes.emplace(std::move(name), histogram);
    } else {
      histogram = it->second;
    }
  }
  histogram->Observe(seconds);
}

void Metrics::limitHeld(const std::string& actor, const std::string& taskList) {
  families_->limitHeld.Add({{"actor", actor}, {"task_list", taskList}}).Increment();
}

void Metrics::setInsecure(bool insecure) { families_->insecure.Set(insecure ? 1 : 0); }

void Metrics::setMemory(std::int64_t liveMemoryBytes, std::int64_t budgetBytes,
                        std::int64_t waitingForMemory) {
  families_->liveMemory.Set(static_cast<double>(liveMemoryBytes));
  families_->memoryBudget.Set(static_cast<double>(budgetBytes));
  families_->waitingForMemory.Set(static_cast<double>(waitingForMemory));
}

std::string Metrics::scrape(const std::vector<QueueDepth>& depths, std::int64_t processesInMemory,
                            std::int64_t dormantProcesses, const std::vector<LimitGauge>& limits) {
  families_->inMemory.Set(static_cast<double>(processesInMemory));
  families_->dormant.Set(static_cast<double>(dormantProcesses));
  for (const QueueDepth& depth : depths) {
    auto set = [&](const char* state, std::int64_t value) {
      families_->queue
          .Add({{"actor", depth.actor}, {"task_list", depth.taskList}, {"state", state}})
          .Set(static_cast<double>(value));
    };
    set("ready", depth.ready);
    set("running", depth.running);
    set("waiting", depth.waiting);
  }
  {
    std::lock_guard lock(families_->limitsMutex);
    auto& gauges = families_->limitGauges;
    LimitGauges current;
    for (const LimitGauge& limit : limits) {
      const std::map<std::string, std::string> labels{{"actor", limit.actor},
                                                      {"task_list", limit.taskList}};
      prometheus::Gauge* max = nullptr;
      if (limit.maxRunning) {
        max = &families_->limitMaxRunning.Add(labels);
        max->Set(static_cast<double>(*limit.maxRunning));
      }
      prometheus::Gauge& running = families_->limitRunning.Add(labels);
      running.Set(static_cast<double>(limit.running));
      current[{limit.actor, limit.taskList}] = {max, &running};
    }
    for (auto& [key, old] : gauges) {
      auto now = current.find(key);
      if (old.first != nullptr && (now == current.end() || now->second.first == nullptr)) {
        families_->limitMaxRunning.Remove(old.first);
      }
      if (now == current.end()) families_->limitRunning.Remove(old.second);
    }
    gauges = std::move(current);
  }
  prometheus::TextSerializer serializer;
  return serializer.Serialize(families_->registry.Collect());
}

}  // namespace pledge::server
