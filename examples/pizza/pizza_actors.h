// The actors of the pizza example (README.md): an order service, a delivery service and the
// decider that waits for the kitchen and the customer.
#pragma once

#include <cstdint>
#include <string>

#include "pizza.pledge.h"

namespace example::pizza {

class OrderServiceImpl final : public OrderService {
 public:
  // The order id is "order-<customer>": one order per customer at a time, and a key the kitchen
  // (and a test) can name.
  std::string place(std::string pizza, std::string customer) override;
};

class DeliveryServiceImpl final : public DeliveryService {
 public:
  std::string deliver(std::string orderId, PizzaStatus status) override;
};

class PizzaDeciderImpl final : public PizzaDecider {
 public:
  pledge::Promise<std::string> order(std::string pizza, std::string customer,
                                     std::int64_t feedbackWaitMs) override;
  pledge::Promise<std::string> close(std::string orderId, pledge::Promise<std::string> feedback,
                                     std::int64_t feedbackWaitMs) override;

 private:
  OrderServiceClient orders_;
  DeliveryServiceClient delivery_;
};

}  // namespace example::pizza
