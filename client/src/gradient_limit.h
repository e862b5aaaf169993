// GradientLimit: an adaptive concurrency limit in the manner of Netflix concurrency-limits'
// Gradient2. It compares a long-term (slowly smoothed) round-trip time with the latest one: while
// the latest stays near the long-term, nothing queues and the limit grows by a queue allowance
// (sqrt(limit)); when round trips inflate, the ratio long/short (the gradient, in [0.5, 1]) shrinks
// the limit. It starts as TCP does (slow start): once the long-term RTT is known, the limit
// doubles each window until a window's round trips inflate past the tolerance, so a runner
// reaches its working limit in a few dozen round trips rather than in thousands. ActorRunner
// uses one per actor pool for the tasks it keeps in flight (pollBatch: auto): throughput is about
// tasks in flight / round-trip time, so a slow store wants more in flight and a fast one no more
// than it takes.
//
// Inflated round trips shrink the limit only when the pool caused the queue. A window whose polls
// all came back full (each leased as many tasks as it asked) left ready tasks waiting at the
// server: that queue is the server's, and larger polls drain it at less cost a task (the server
// pays per request), so the limit grows as if round trips held.
//
//   GradientLimit limit({.initial = 32, .min = 4, .max = 1024});
//   int next = limit.onSample(std::chrono::milliseconds(5), 30);   // after each round trip
//
// The latest RTT is the average of a window of samples (5 by default), as Gradient2 is fed
// through Netflix's windowed limit: one slow round trip on a busy machine does not halve it.
//
// A value; thread-confined (the runner guards it with its pool's mutex).
#pragma once

#include <chrono>

namespace pledge {

struct GradientLimitOptions {
  int initial = 32;
  int min = 1;
  int max = 1000;
  // Weight of a new estimate in the limit: lower reacts slower and jitters less.
  double smoothing = 0.2;
  // Round trips may grow this much over the long-term before the limit shrinks.
  double rttTolerance = 1.5;
  // Samples averaged into one short-term RTT; the limit moves once per window.
  int window = 5;
  // Windows the long-term RTT averages over (an exponential average of this many).
  int longWindow = 600;
  // Windows averaged before the long-term RTT is first set.
  int warmup = 5;
};

class GradientLimit {
 public:
  explicit GradientLimit(GradientLimitOptions options);

  // Takes one round trip's time, the tasks in flight when it ended and whether its poll came back
  // full; returns the limit. A window whose most tasks in flight stayed under half the limit
  // leaves the limit as it is (the work, not the limit, held it back), but still teaches the
  // RTTs. Throws nothing; a non-positive rtt is ignored.
  int onSample(std::chrono::nanoseconds rtt, int inflight, bool full = false);
  int limit() const;
  // The long-term RTT in nanoseconds (0 until warmed up), for logs and tests.
  double longRttNs() const { return longRttNs_; }

 private:
  double clamp(double value) const;
  // One window's average RTT and most tasks in flight.
  void onWindow(double shortNs, int inflight, bool full);

  GradientLimitOptions options_;
  double limit_;
  double longRttNs_ = 0;
  double warmupSumNs_ = 0;
  int windows_ = 0;
  double windowSumNs_ = 0;
  int windowSamples_ = 0;
  int windowInflight_ = 0;
  bool windowFull_ = true;
  // Doubling until the first window past the tolerance.
  bool slowStart_ = true;
};

// How long the tasks one poll leases may take to run, one after another, on the thread that
// polled them (pollShare).
inline constexpr std::chrono::milliseconds kPollRunTime{100};

// The tasks one poll of a pool of `threads` asks for under an in-flight limit: ceil(limit /
// threads), but no more than the thread runs in kPollRunTime at runNs a task (the measured
// average; 0 while unknown), and at least 1. Tasks that take long are then leased a few at a
// time, so they do not wait in one thread's batch while other runners are idle.
int pollShare(int limit, int threads, double runNs);

}  // namespace pledge
