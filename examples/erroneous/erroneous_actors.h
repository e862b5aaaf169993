// pay(account, amount): charge the account; a declined payment is an answer ("declined: ..."),
// any other failure breaks the process until an operator restarts it.
#pragma once

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "erroneous.pledge.h"

namespace example::erroneous {

// The bank said no: retrying does not help, the decider handles it.
class PaymentDeclined : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The bank could not be asked: nobody accepts it, so the process breaks.
class BankUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PaymentsImpl final : public Payments {
 public:
  // Accounts: "empty" is declined; "offline" never reaches the bank; "flaky" does not reach it
  // the first time but does after a restart; any other account pays.
  std::string charge(std::string account, std::int64_t amount) override {
    if (account == "empty") throw PaymentDeclined("insufficient funds for " + std::to_string(amount));
    if (account == "offline") throw BankUnreachable("no route to the bank");
    if (account == "flaky" && firstTimeFor(account)) throw BankUnreachable("the bank timed out");
    return "receipt " + account + "-" + std::to_string(amount);
  }

 private:
  static bool firstTimeFor(const std::string& account) {
    static std::mutex mutex;
    static std::map<std::string, bool> seen;
    std::lock_guard lock(mutex);
    return !std::exchange(seen[account], true);
  }
};

class CheckoutImpl final : public Checkout {
 public:
  pledge::Promise<std::string> pay(std::string account, std::int64_t amount) override {
    return async().settle(payments_.charge(account, amount));
  }

  pledge::Promise<std::string> settle(pledge::Promise<std::string> receipt) override {
    if (receipt.hasFailed()) return pledge::Promise<std::string>::of("declined: " + receipt.error().message());
    return pledge::Promise<std::string>::of("paid with " + receipt.get());
  }

 private:
  PaymentsClient payments_;
};

}  // namespace example::erroneous
