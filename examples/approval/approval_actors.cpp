#include "approval_actors.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace example::approval {

std::string PaymentsImpl::pay(std::string expenseId, std::int64_t amount) {
  spdlog::info("paying {} ({} cents)", expenseId, amount);
  return fmt::format("paid {} cents for {}", amount, expenseId);
}

std::string NotifierImpl::notify(std::string expenseId, std::string message) {
  spdlog::info("telling the submitter of {}: {}", expenseId, message);
  return fmt::format("{}: {}", expenseId, message);
}

pledge::Promise<std::string> ExpenseDeciderImpl::submit(std::string expenseId,
                                                        std::int64_t amount,
                                                        std::int64_t waitMs) {
  // One wait for both answers: whichever comes first wins, the other finds no waiter.
  pledge::Promise<pledge::FirstEvent> verdict =
      pledge::firstEvent({"approved", "rejected"}, expenseId, {.timeoutMs = waitMs});
  return async().settle(expenseId, amount, verdict, waitMs);
}

pledge::Promise<std::string> ExpenseDeciderImpl::settle(
    std::string expenseId, std::int64_t amount, pledge::Promise<pledge::FirstEvent> verdict,
    std::int64_t waitMs) {
  if (verdict.hasFailed()) {  // pledge.Timeout: nobody decided in time
    return notifier_.notify(expenseId,
                            fmt::format("nobody decided within {} ms; submit it again", waitMs));
  }
  const pledge::FirstEvent& answer = verdict.get();
  if (answer.name == "approved") return payments_.pay(expenseId, amount);
  const std::string reason =
      answer.payload.is_object() && answer.payload.contains("reason")
          ? answer.payload["reason"].get<std::string>()
          : "no reason given";
  return notifier_.notify(expenseId, "rejected: " + reason);
}

}  // namespace example::approval
