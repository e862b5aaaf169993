// place(order, item): reserve the item (a worker) and ship the order (the Shipping decider, as a
// sub-process), then confirm with both results.
#pragma once

#include <string>

#include "subprocess.pledge.h"

namespace example::subprocess {

class InventoryImpl final : public Inventory {
 public:
  bool reserve(std::string item) override { return item != "unicorn"; }
};

class CarrierImpl final : public Carrier {
 public:
  std::string book(std::string order) override { return "TRACK-" + order; }
};

// The child decider: books a carrier; its result is the tracking number.
class ShippingImpl final : public Shipping {
 public:
  pledge::Promise<std::string> ship(std::string order) override { return carrier_.book(order); }

 private:
  CarrierClient carrier_;
};

class OrderingImpl final : public Ordering {
 public:
  pledge::Promise<std::string> place(std::string order, std::string item) override {
    pledge::Promise<bool> reserved = inventory_.reserve(item);
    pledge::Promise<std::string> tracking = shipping_.ship(order);  // a decider task: a sub-process
    return async().confirm(order, reserved, tracking);
  }

  pledge::Promise<std::string> confirm(std::string order, bool reserved, std::string tracking) override {
    if (!reserved) return pledge::Promise<std::string>::of(order + ": out of stock");
    return pledge::Promise<std::string>::of(order + ": shipped, " + tracking);
  }

 private:
  InventoryClient inventory_;
  ShippingClient shipping_;
};

}  // namespace example::subprocess
