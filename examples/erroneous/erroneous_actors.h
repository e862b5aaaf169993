// The actors of the erroneous example: pay(account, amount) charges the account and mails the
// receipt. The workers fail as the account name says:
//   "empty"    the payment is declined (PaymentDeclined): accepted, the answer is "declined: ..."
//   "offline"  the bank cannot be reached (BankUnreachable): not accepted, the process breaks
//   "flaky"    like "offline" the first time only: broken, then completed after a restart
//   "anon"     paid, but there is no address for the receipt (NoAddress): accepted
//   any other  paid and mailed
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "erroneous.pledge.h"

namespace example::erroneous {

// The bank said no. Retrying cannot change that; the decider makes it the answer.
class PaymentDeclined : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The bank could not be asked. Nothing accepts it: the process breaks for an operator to look at.
class BankUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The account has no e-mail address.
class NoAddress : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PaymentsImpl final : public Payments {
 public:
  // The receipt, "receipt <account>-<amount>"; throws PaymentDeclined or BankUnreachable as the
  // account says (see above).
  std::string charge(std::string account, std::int64_t amount) override;
};

class MailerImpl final : public Mailer {
 public:
  // True once sent; throws NoAddress for "anon".
  bool sendReceipt(std::string account, std::string receipt) override;
};

class CheckoutImpl final : public Checkout {
 public:
  // The start of a process: charge, then settle with the charge's receipt or failure.
  pledge::Promise<std::string> pay(std::string account, std::int64_t amount) override;
  // "declined: <why>" for a declined payment; otherwise mails the receipt and finishes.
  pledge::Promise<std::string> settle(std::string account,
                                      pledge::Promise<std::string> receipt) override;
  // "paid: <receipt>, mailed" or "paid: <receipt>, not mailed (<why>)".
  pledge::Promise<std::string> finish(std::string receipt, pledge::Promise<bool> mailed) override;

 private:
  PaymentsClient payments_;
  MailerClient mailer_;
};

}  // namespace example::erroneous
