// The actors of the nowait example: build(item) writes the header of a stock report while the
// slow count of the item runs, and completes the report once the count is known:
//   build("apples") -> "Stock of apples (counting when this line was written): 60"
#pragma once

#include <cstdint>
#include <string>

#include "nowait.pledge.h"

namespace example::nowait {

// How long a stock count takes.
inline constexpr int kCountMs = 600;

class WarehouseImpl final : public Warehouse {
 public:
  // Sleeps kCountMs, then answers 10 per letter of the item's name.
  std::int32_t count(std::string item) override;
};

class ReportImpl final : public Report {
 public:
  // The start of a process: starts the count and the header at once; its result is the report.
  pledge::Promise<std::string> build(std::string item) override;
  // Writes the header line, saying whether the count was still running, and passes the stock
  // promise on to complete; its result is complete's.
  pledge::Promise<std::string> header(std::string item,
                                      pledge::Promise<std::int32_t> stock) override;
  // The report: the header and the count.
  pledge::Promise<std::string> complete(std::string header, std::int32_t stock) override;

 private:
  WarehouseClient warehouse_;
};

}  // namespace example::nowait
