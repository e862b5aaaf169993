// run(count, sleepMs): count Sleeper.work(i, sleepMs) steps, each returning i * i after sleeping;
// the process result is their sum.
#pragma once

#include <chrono>
#include <thread>

#include "steps.pledge.h"

namespace steps {

class SleeperImpl final : public Sleeper {
 public:
  std::int64_t work(std::int64_t index, std::int64_t sleepMs) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
    return index * index;
  }
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
