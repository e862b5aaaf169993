// sumOfSquares(n) = total([square(0), ..., square(n - 1)]).
#pragma once

#include <numeric>
#include <vector>

#include "pcollection.pledge.h"

namespace example::pcollection {

class SquarerImpl final : public Squarer {
 public:
  std::int64_t square(std::int64_t x) override { return x * x; }
};

class TotalsImpl final : public Totals {
 public:
  std::int64_t total(std::vector<std::int64_t> values) override {
    return std::accumulate(values.begin(), values.end(), std::int64_t{0});
  }
};

class CollectorImpl final : public Collector {
 public:
  pledge::Promise<std::int64_t> sumOfSquares(std::int32_t n) override {
    std::vector<pledge::Promise<std::int64_t>> squares;
    for (std::int32_t i = 0; i < n; ++i) squares.push_back(squarer_.square(i));
    // A list argument made of promises: total runs once every square is known.
    return totals_.total(squares);
  }

 private:
  SquarerClient squarer_;
  TotalsClient totals_;
};

}  // namespace example::pcollection
