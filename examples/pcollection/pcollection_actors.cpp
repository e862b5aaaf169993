#include "pcollection_actors.h"

#include <numeric>

namespace example::pcollection {

std::int64_t SquarerImpl::square(std::int64_t x) { return x * x; }

std::int64_t TotalsImpl::total(std::vector<std::int64_t> values) {
  return std::accumulate(values.begin(), values.end(), std::int64_t{0});
}

pledge::Promise<std::int64_t> CollectorImpl::sumOfSquares(std::int32_t n) {
  std::vector<pledge::Promise<std::int64_t>> squares;
  for (std::int32_t i = 0; i < n; ++i) squares.push_back(squarer_.square(i));
  // A vector of promises for a list<long> parameter: total waits for every square.
  return totals_.total(squares);
}

}  // namespace example::pcollection
