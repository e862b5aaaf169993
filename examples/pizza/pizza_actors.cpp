#include "pizza_actors.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace example::pizza {

// How long the process waits for the kitchen; a pizza takes minutes, not an hour.
constexpr std::int64_t kKitchenWaitMs = 3'600'000;

std::string OrderServiceImpl::place(std::string pizza, std::string customer) {
  spdlog::info("order of a {} for {} placed with the kitchen", pizza, customer);
  return "order-" + customer;
}

std::string DeliveryServiceImpl::deliver(std::string orderId, PizzaStatus status) {
  spdlog::info("delivering {} ({} from oven {})", orderId, status.pizza, status.oven);
  return orderId;
}

pledge::Promise<std::string> PizzaDeciderImpl::order(std::string pizza, std::string customer,
                                                     std::int64_t feedbackWaitMs) {
  pledge::Promise<std::string> orderId = orders_.place(pizza, customer);
  // Listens once the order id is known; resolves with the kitchen's PizzaStatus.
  pledge::Promise<PizzaStatus> ready =
      events().pizzaReady(orderId, {.timeoutMs = kKitchenWaitMs});
  pledge::Promise<std::string> delivered = delivery_.deliver(orderId, ready);
  // Feedback is keyed by the delivered order, so the wait starts after delivery.
  pledge::Promise<std::string> feedback =
      events().feedback(delivered, {.timeoutMs = feedbackWaitMs});
  return async().close(delivered, feedback, feedbackWaitMs);
}

pledge::Promise<std::string> PizzaDeciderImpl::close(std::string orderId,
                                                     pledge::Promise<std::string> feedback,
                                                     std::int64_t feedbackWaitMs) {
  // The fallback branch: the wait timed out (the only failure close accepts).
  if (feedback.hasFailed()) {
    return pledge::Promise<std::string>::of(
        fmt::format("{} delivered; no feedback within {} ms", orderId, feedbackWaitMs));
  }
  return pledge::Promise<std::string>::of(
      fmt::format("{} delivered; feedback: {}", orderId, feedback.get()));
}

}  // namespace example::pizza
