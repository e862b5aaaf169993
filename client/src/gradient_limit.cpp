#include "gradient_limit.h"

#include <algorithm>
#include <cmath>

#include "pledge/error.h"

namespace pledge {

GradientLimit::GradientLimit(GradientLimitOptions options)
    : options_(options), limit_(options.initial) {
  PLEDGE_REQUIRE(options_.min >= 1 && options_.min <= options_.max,
                 "limit bounds must satisfy 1 <= min <= max, got {} and {}", options_.min,
                 options_.max);
  PLEDGE_REQUIRE(options_.smoothing > 0 && options_.smoothing <= 1,
                 "smoothing must be in (0, 1], got {}", options_.smoothing);
  PLEDGE_REQUIRE(options_.rttTolerance >= 1, "rttTolerance must be at least 1, got {}",
                 options_.rttTolerance);
  PLEDGE_REQUIRE(options_.window >= 1 && options_.longWindow >= 1 && options_.warmup >= 1,
                 "window, longWindow and warmup must be positive");
  limit_ = clamp(limit_);
}

double GradientLimit::clamp(double value) const {
  return std::clamp(value, static_cast<double>(options_.min), static_cast<double>(options_.max));
}

int GradientLimit::limit() const { return static_cast<int>(std::lround(limit_)); }

int GradientLimit::onSample(std::chrono::nanoseconds rtt, int inflight, bool full) {
  if (rtt.count() <= 0) return limit();
  windowSumNs_ += static_cast<double>(rtt.count());
  windowFull_ = windowFull_ && full;
  windowInflight_ = std::max(windowInflight_, inflight);
  if (++windowSamples_ < options_.window) return limit();
  onWindow(windowSumNs_ / windowSamples_, windowInflight_, windowFull_);
  windowFull_ = true;
  windowSumNs_ = 0;
  windowSamples_ = 0;
  windowInflight_ = 0;
  return limit();
}

void GradientLimit::onWindow(double shortNs, int inflight, bool full) {
  ++windows_;
  if (windows_ <= options_.warmup) {
    // Until the long-term RTT exists there is nothing to compare with: the limit holds.
    warmupSumNs_ += shortNs;
    if (windows_ == options_.warmup) longRttNs_ = warmupSumNs_ / options_.warmup;
    return;
  }
  const double factor = 2.0 / (options_.longWindow + 1);
  longRttNs_ += (shortNs - longRttNs_) * factor;
  if (inflight < limit_ / 2) return;
  // Polls that all came back full left ready tasks at the server: the queue the round trips
  // show is the server's, which larger polls drain at less cost a task, not one of our making.
  const double gradient =
      full ? 1.0 : std::clamp(options_.rttTolerance * longRttNs_ / shortNs, 0.5, 1.0);
  if (slowStart_) {
    if (gradient >= 1.0) {
      limit_ = clamp(limit_ * 2);
      return;
    }
    slowStart_ = false;  // past the tolerance: the gradient takes over from here
  }
  const double queueAllowance = std::sqrt(limit_);
  const double estimate = limit_ * gradient + queueAllowance;
  limit_ = clamp(limit_ * (1 - options_.smoothing) + estimate * options_.smoothing);
}

int pollShare(int limit, int threads, double runNs) {
  const int share = (limit + threads - 1) / threads;
  if (runNs <= 0) return std::max(1, share);
  const double runnable = static_cast<double>(kPollRunTime.count()) * 1e6 / runNs;
  return std::max(1, static_cast<int>(std::min<double>(share, runnable)));
}

}  // namespace pledge
