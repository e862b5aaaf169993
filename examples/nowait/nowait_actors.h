// build(item): the header of a report is written at once, while the slow stock count runs; the
// report is completed once the count is known.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include "nowait.pledge.h"

namespace example::nowait {

// How long a stock count takes.
inline constexpr int kCountMs = 400;

class WarehouseImpl final : public Warehouse {
 public:
  std::int32_t count(std::string item) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(kCountMs));
    return static_cast<std::int32_t>(item.size() * 10);
  }
};

class ReportImpl final : public Report {
 public:
  pledge::Promise<std::string> build(std::string item) override {
    pledge::Promise<std::int32_t> stock = warehouse_.count(item);
    pledge::Promise<std::string> header = async().header(item, stock);
    return async().complete(header, stock);
  }

  // Runs before the count is done: stock arrives as a pending promise (noWait).
  pledge::Promise<std::string> header(std::string item, pledge::Promise<std::int32_t> stock) override {
    const char* state = stock.isPending() ? "counting" : "counted";
    return pledge::Promise<std::string>::of("Stock of " + item + " (" + state + " when this line was written)");
  }

  // Runs once both the header and the count resolved.
  pledge::Promise<std::string> complete(std::string header, std::int32_t stock) override {
    return pledge::Promise<std::string>::of(header + ": " + std::to_string(stock));
  }

 private:
  WarehouseClient warehouse_;
};

}  // namespace example::nowait
