// The actors of the subprocess example: place(order, item) weighs the item (a worker), ships the
// order by the Shipping decider (a sub-process, given the weight's promise) and confirms with the
// tracking number the sub-process returns:
//   place("A-17", "teapot") -> "A-17 shipped, tracking PA-A-17"
//   place("A-18", "piano")  -> "A-18 shipped, tracking FR-A-18"
#pragma once

#include <cstdint>
#include <string>

#include "subprocess.pledge.h"

namespace example::subprocess {

class InventoryImpl final : public Inventory {
 public:
  // The weight of an item in grams.
  std::int32_t weigh(std::string item) override;
};

class CarrierImpl final : public Carrier {
 public:
  // The tracking number: "FR-<order>" for service "freight", "PA-<order>" for "parcel".
  std::string book(std::string order, std::string service) override;
};

// The child decider: books freight for more than 20 kg, a parcel otherwise; its result is the
// tracking number.
class ShippingImpl final : public Shipping {
 public:
  pledge::Promise<std::string> ship(std::string order, std::int32_t grams) override;

 private:
  CarrierClient carrier_;
};

// The parent decider.
class OrderingImpl final : public Ordering {
 public:
  // The start of a process: weigh, ship (a sub-process), confirm.
  pledge::Promise<std::string> place(std::string order, std::string item) override;
  // "<order> shipped, tracking <tracking>".
  pledge::Promise<std::string> confirm(std::string order, std::string tracking) override;

 private:
  InventoryClient inventory_;
  ShippingClient shipping_;
};

}  // namespace example::subprocess
