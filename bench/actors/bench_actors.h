// The benchmark actors: trivial work, so that what is measured is the engine.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "bench.pledge.h"

namespace pledge_bench {

inline constexpr int kBranches = 10;

class AdderImpl final : public Adder {
 public:
  std::int64_t add1(std::int64_t v) override { return v + 1; }
};

class FanImpl final : public Fan {
 public:
  std::int64_t produce(std::int64_t i) override { return i + 1; }
  std::int64_t branch(std::int64_t x) override { return x; }
  std::int64_t join(std::vector<std::int64_t> parts) override {
    if (parts.size() != kBranches) throw std::invalid_argument("join needs exactly 10 parts");
    std::int64_t sum = 0;
    for (std::int64_t part : parts) sum += part;
    return sum;
  }
};

// start(i) = add1(add1(add1(i))): the result forwards to the last step.
class ChainImpl final : public Chain {
 public:
  pledge::Promise<std::int64_t> start(std::int64_t i) override {
    return adder_.add1(adder_.add1(adder_.add1(i)));
  }

 private:
  AdderClient adder_;
};

// start(i) = join(10 x branch(produce(i))).
class FanoutImpl final : public Fanout {
 public:
  pledge::Promise<std::int64_t> start(std::int64_t i) override {
    pledge::Promise<std::int64_t> x = fan_.produce(i);
    std::vector<pledge::Promise<std::int64_t>> branches;
    for (int b = 0; b < kBranches; ++b) branches.push_back(fan_.branch(x));
    return fan_.join(branches);
  }

 private:
  FanClient fan_;
};

// How long a Waiter waits for its event: a run that dies leaves no process waiting for ever.
inline constexpr std::int64_t kWaiterTimeoutMs = 3'600'000;

// start(key) = add1(the payload of the event "go" with this key): the event resumes the process
// and one worker step follows, as a real process goes on after its signal.
class WaiterImpl final : public Waiter {
 public:
  pledge::Promise<std::int64_t> start(std::string key) override {
    return adder_.add1(events().go(key, {.timeoutMs = kWaiterTimeoutMs}));
  }

 private:
  AdderClient adder_;
};

}  // namespace pledge_bench
