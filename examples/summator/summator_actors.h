// The actors of the summator example: sum(values) adds neighbours level by level until one value
// is left, [1 2 3 4 5] -> [3 7 5] -> [10 5] -> [15], each addition a worker task and each level a
// decider task.
#pragma once

#include <cstdint>
#include <vector>

#include "summator.pledge.h"

namespace example::summator {

class ArithmeticImpl final : public Arithmetic {
 public:
  std::int64_t add(std::int64_t a, std::int64_t b) override;
};

class SummatorImpl final : public Summator {
 public:
  // The start of a process: its result is the sum of values (0 for none).
  pledge::Promise<std::int64_t> sum(std::vector<std::int64_t> values) override;
  // One level: records an addition per pair of neighbours (an odd last value passes through as a
  // ready promise) and the next level over their promises. Fewer than two values are the answer.
  pledge::Promise<std::int64_t> reduce(std::vector<std::int64_t> level) override;

 private:
  ArithmeticClient arithmetic_;
};

}  // namespace example::summator
