// The actors of the pcollection example: sumOfSquares(n) = total([square(0), ..., square(n - 1)]),
// the squares computed by n worker tasks in parallel and the total by one task that waits for all.
#pragma once

#include <cstdint>
#include <vector>

#include "pcollection.pledge.h"

namespace example::pcollection {

class SquarerImpl final : public Squarer {
 public:
  std::int64_t square(std::int64_t x) override;
};

class TotalsImpl final : public Totals {
 public:
  // Receives plain values: the server runs it once every promise of the list resolved.
  std::int64_t total(std::vector<std::int64_t> values) override;
};

class CollectorImpl final : public Collector {
 public:
  // The start of a process: records n squares and one total over their promises.
  pledge::Promise<std::int64_t> sumOfSquares(std::int32_t n) override;

 private:
  SquarerClient squarer_;
  TotalsClient totals_;
};

}  // namespace example::pcollection
