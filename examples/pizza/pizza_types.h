// What the kitchen says when a pizza is ready (the payload of the pizzaReady event).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace example::pizza {

struct PizzaStatus {
  std::string orderId;
  std::string pizza;
  // The oven it came out of.
  int oven = 0;

  bool operator==(const PizzaStatus&) const = default;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PizzaStatus, orderId, pizza, oven)

}  // namespace example::pizza
