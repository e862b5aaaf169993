#include "subprocess_actors.h"

namespace example::subprocess {

std::int32_t InventoryImpl::weigh(std::string item) {
  if (item == "piano") return 250'000;
  if (item == "teapot") return 800;
  return 500;
}

std::string CarrierImpl::book(std::string order, std::string service) {
  return (service == "freight" ? "FR-" : "PA-") + order;
}

pledge::Promise<std::string> ShippingImpl::ship(std::string order, std::int32_t grams) {
  return carrier_.book(order, grams > 20'000 ? "freight" : "parcel");
}

pledge::Promise<std::string> OrderingImpl::place(std::string order, std::string item) {
  pledge::Promise<std::int32_t> grams = inventory_.weigh(item);
  // A decider client inside a decider: records a Shipping.ship task in this process. Like any
  // task it waits for its promise arguments, and its result — the result of Shipping's own
  // decisions, forwarded — comes back as a promise.
  pledge::Promise<std::string> tracking = shipping_.ship(order, grams);
  return async().confirm(order, tracking);
}

pledge::Promise<std::string> OrderingImpl::confirm(std::string order, std::string tracking) {
  return pledge::Promise<std::string>::of(order + " shipped, tracking " + tracking);
}

}  // namespace example::subprocess
