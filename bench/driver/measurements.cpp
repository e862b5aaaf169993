#include "measurements.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include <fmt/format.h>

namespace pledge::bench {

double load1() {
  double load = 0;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

double metric(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  std::string line;
  double sum = 0;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) == 0) sum += std::stod(line.substr(prefix.size()));
  }
  return sum;
}

std::vector<std::pair<double, double>> handoffBuckets(const std::string& text) {
  std::map<double, double> byBound;
  std::istringstream lines(text);
  std::string line;
  const std::string prefix = "pledge_task_handoff_seconds_bucket{le=\"";
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::size_t close = line.find('"', prefix.size());
    std::string bound = line.substr(prefix.size(), close - prefix.size());
    double le = bound == "+Inf" ? 1e9 : std::stod(bound);
    byBound[le] += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return {byBound.begin(), byBound.end()};
}

std::optional<double> quantileMs(const std::vector<std::pair<double, double>>& before,
                                 const std::vector<std::pair<double, double>>& after, double q) {
  if (after.empty() || after.size() != before.size()) return std::nullopt;
  const double total = after.back().second - before.back().second;
  if (total <= 0) return std::nullopt;
  double previousBound = 0;
  double previousCount = 0;
  for (std::size_t i = 0; i < after.size(); ++i) {
    const double count = after[i].second - before[i].second;
    if (count >= q * total) {
      const double bound = std::min(after[i].first, 10.0);
      const double inBucket = count - previousCount;
      const double fraction = inBucket > 0 ? (q * total - previousCount) / inBucket : 1;
      return (previousBound + fraction * (bound - previousBound)) * 1000;
    }
    previousBound = after[i].first;
    previousCount = count;
  }
  return std::nullopt;
}

std::int64_t rssKb(pid_t pid, const std::string& field) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(field.size()));
  }
  return 0;
}

std::int64_t peakRssKbOf(const std::vector<pid_t>& pids) {
  std::int64_t kb = 0;
  for (pid_t pid : pids) kb += rssKb(pid);
  return kb;
}

double roundTo(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

double cpuSeconds(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold spaces.
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
    if (i == 15) break;
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double cpuSecondsOf(const std::vector<pid_t>& pids) {
  double sum = 0;
  for (pid_t pid : pids) sum += cpuSeconds(pid);
  return sum;
}

}  // namespace pledge::bench
