// sum(values) reduces the list level by level: [1 2 3 4 5] -> [3 7 5] -> [10 5] -> [15].
#pragma once

#include <vector>

#include "summator.pledge.h"

namespace example::summator {

class ArithmeticImpl final : public Arithmetic {
 public:
  std::int64_t add(std::int64_t a, std::int64_t b) override { return a + b; }
};

class SummatorImpl final : public Summator {
 public:
  pledge::Promise<std::int64_t> sum(std::vector<std::int64_t> values) override { return reduce(std::move(values)); }

  // One level: neighbours are added by worker tasks running in parallel; an odd last value
  // passes through as a ready promise. The next level is an asynchronous point that runs once
  // every promise of this level resolved (a list argument waits for all its promises).
  pledge::Promise<std::int64_t> reduce(std::vector<std::int64_t> level) override {
    if (level.empty()) return pledge::Promise<std::int64_t>::of(0);
    if (level.size() == 1) return pledge::Promise<std::int64_t>::of(level.front());
    std::vector<pledge::Promise<std::int64_t>> next;
    for (std::size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(arithmetic_.add(level[i], level[i + 1]));
    if (level.size() % 2 == 1) next.push_back(pledge::Promise<std::int64_t>::of(level.back()));
    return async().reduce(next);
  }

 private:
  ArithmeticClient arithmetic_;
};

}  // namespace example::summator
