// The actors of the approval example (README.md): an expense waits for approved or rejected,
// then pays or notifies.
#pragma once

#include <cstdint>
#include <string>

#include "approval.pledge.h"

namespace example::approval {

class PaymentsImpl final : public Payments {
 public:
  std::string pay(std::string expenseId, std::int64_t amount) override;
};

class NotifierImpl final : public Notifier {
 public:
  std::string notify(std::string expenseId, std::string message) override;
};

class ExpenseDeciderImpl final : public ExpenseDecider {
 public:
  pledge::Promise<std::string> submit(std::string expenseId, std::int64_t amount,
                                      std::int64_t waitMs) override;
  pledge::Promise<std::string> settle(std::string expenseId, std::int64_t amount,
                                      pledge::Promise<pledge::FirstEvent> verdict,
                                      std::int64_t waitMs) override;

 private:
  PaymentsClient payments_;
  NotifierClient notifier_;
};

}  // namespace example::approval
