// Implementations of the features actors used by features_test.cpp.
#pragma once

#include <stdexcept>

#include "features.pledge.h"

namespace features {

class Fatal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CalculatorImpl final : public Calculator {
 public:
  std::int64_t add(std::int32_t a, std::int64_t b) override { return a + b; }
  std::vector<double> scale(std::vector<double> values, double factor) override {
    for (double& value : values) value *= factor;
    return values;
  }
  nlohmann::json describe(std::map<std::string, std::string> labels,
                          std::optional<std::string> note) override {
    return {{"labels", labels}, {"note", note}};
  }
  bool flip(bool flag) override { return !flag; }
  Point move(Point point, std::optional<Point> by) override {
    if (by) return Point{point.x + by->x, point.y + by->y};
    return point;
  }
  void nothing() override { ++nothingCalls; }
  std::optional<std::map<std::string, std::int32_t>> nested(
      std::vector<std::vector<std::int32_t>> grid,
      std::map<std::string, std::vector<std::string>> index) override {
    if (grid.empty()) return std::nullopt;
    std::map<std::string, std::int32_t> sizes;
    for (const auto& [key, values] : index) sizes[key] = static_cast<std::int32_t>(values.size());
    sizes["rows"] = static_cast<std::int32_t>(grid.size());
    return sizes;
  }
  void fail(std::string kind) override {
    if (kind == "fatal") throw Fatal("cannot work");
    if (kind == "stated") throw pledge::TaskError("Stated", "said so", /*retryable=*/false);
    if (kind == "int") throw 42;
  }
  std::string inspect(pledge::Promise<std::int32_t> maybe,
                      pledge::Promise<std::string> later) override {
    std::string text = maybe.hasFailed() ? "failed:" + maybe.error().type()
                                         : "value:" + std::to_string(maybe.get());
    return text + (later.isPending() ? ",later pending" : ",later " + later.get());
  }

  static inline int nothingCalls = 0;
};

// plan(n): n + 1 by the calculator, then total([that, n]) as a decider task; the process result
// is total's promise. recover(v): v, or -1 when the argument failed. settle(order): waits up to
// a minute for the order's approval, and decide takes a timeout for a refusal; a timer and a
// wait for a poke whose promises nobody takes show that they are recorded all the same.
class PlannerImpl final : public Planner {
 public:
  pledge::Promise<std::int64_t> plan(std::int32_t n) override {
    pledge::Promise<std::int64_t> sum = calculator_.add(n, 1);
    std::vector<pledge::Promise<std::int64_t>> parts{sum, pledge::Promise<std::int64_t>::of(n)};
    return async().total(parts);
  }
  pledge::Promise<std::int64_t> total(std::vector<std::int64_t> parts) override {
    std::int64_t sum = 0;
    for (std::int64_t part : parts) sum += part;
    return pledge::Promise<std::int64_t>::of(sum);
  }
  pledge::Promise<std::int64_t> recover(pledge::Promise<std::int64_t> value) override {
    return value.hasFailed() ? pledge::Promise<std::int64_t>::of(-1) : value;
  }
  void nothing() override {}
  pledge::Promise<bool> settle(std::string order) override {
    pledge::after(1'500);
    events().poked("");
    pledge::Promise<bool> approved = events().approved(order, {.timeoutMs = 60'000});
    return async().decide(approved);
  }
  pledge::Promise<bool> decide(pledge::Promise<bool> approved) override {
    return pledge::Promise<bool>::of(!approved.hasFailed() && approved.get());
  }

 private:
  CalculatorClient calculator_;
};

}  // namespace features
