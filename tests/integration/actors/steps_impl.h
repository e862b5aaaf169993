// run(count, sleepMs): count Sleeper.work(i, sleepMs) steps, each returning i * i after sleeping;
// the process result is their sum. SpinOnce.run(limitMs): one Spinner.spin(limitMs), which loops
// until its task is cancelled (or limitMs passed).
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "pledge/cancellation.h"
#include "steps.pledge.h"

namespace steps {

class SleeperImpl final : public Sleeper {
 public:
  std::int64_t work(std::int64_t index, std::int64_t sleepMs) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
    return index * index;
  }
};

// Spins that ended because their task was cancelled: seen by pledge::cancelled() and the stop
// token alike.
inline std::atomic<int> spinsCancelled{0};
inline std::atomic<int> spinsStarted{0};

class SpinnerImpl final : public Spinner {
 public:
  std::int64_t spin(std::int64_t limitMs) override {
    ++spinsStarted;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(limitMs);
    while (!pledge::cancelled() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pledge::cancelled() && pledge::stopToken().stop_requested()) ++spinsCancelled;
    return limitMs;
  }
};

class SpinOnceImpl final : public SpinOnce {
 public:
  pledge::Promise<std::int64_t> run(std::int64_t limitMs) override {
    return spinner_.spin(limitMs);
  }

 private:
  SpinnerClient spinner_;
};

class StepsImpl final : public Steps {
 public:
  pledge::Promise<std::int64_t> run(std::int64_t count, std::int64_t sleepMs) override {
    std::vector<pledge::Promise<std::int64_t>> parts;
    for (std::int64_t i = 0; i < count; ++i) parts.push_back(sleeper_.work(i, sleepMs));
    return async().total(parts);
  }
  pledge::Promise<std::int64_t> total(std::vector<std::int64_t> parts) override {
    std::int64_t sum = 0;
    for (std::int64_t part : parts) sum += part;
    return pledge::Promise<std::int64_t>::of(sum);
  }

 private:
  SleeperClient sleeper_;
};

}  // namespace steps
