// What pledge-bench reads of the machine and of the servers it measures: figures of /proc (load,
// memory, CPU time) and samples of the Prometheus text of GET /metrics (counters and the task
// hand-off histogram).
//
//   const double completed = metric(client.getText("/metrics"),
//                                   "pledge_processes_total{event=\"completed\"} ");
//   std::optional<double> p99 = quantileMs(handoffBuckets(before), handoffBuckets(after), 0.99);
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pledge::bench {

// The 1-minute load average of /proc/loadavg.
double load1();
// The sum of the Prometheus sample lines that start with prefix (text may hold the metrics of
// several nodes), or 0.
double metric(const std::string& text, const std::string& prefix);
// Cumulative counts of the hand-off histogram by upper bound (seconds), summed over the nodes
// whose metrics text holds.
std::vector<std::pair<double, double>> handoffBuckets(const std::string& text);
// The q-quantile in milliseconds of the observations between two histogram snapshots,
// interpolated linearly inside its bucket.
std::optional<double> quantileMs(const std::vector<std::pair<double, double>>& before,
                                 const std::vector<std::pair<double, double>>& after, double q);
// A "VmHWM:" (peak) or "VmRSS:" (now) figure of /proc/<pid>/status, in KiB.
std::int64_t rssKb(pid_t pid, const std::string& field = "VmHWM:");
// rssKb (peak) summed over the processes: the servers of a run.
std::int64_t peakRssKbOf(const std::vector<pid_t>& pids);
// value rounded to digits decimals, for the result lines.
double roundTo(double value, int digits);
// CPU seconds (user + system) a process has used, from /proc/<pid>/stat; 0 when unknown.
double cpuSeconds(pid_t pid);
// cpuSeconds summed over the processes.
double cpuSecondsOf(const std::vector<pid_t>& pids);

}  // namespace pledge::bench
