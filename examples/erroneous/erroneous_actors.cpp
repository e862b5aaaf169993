#include "erroneous_actors.h"

#include <mutex>
#include <set>

namespace example::erroneous {
namespace {

// True the first time it is asked about account in this process. Every runtime thread owns a
// PaymentsImpl of its own, so what was seen lives in the process, behind a mutex.
bool firstChargeOf(const std::string& account) {
  static std::mutex mutex;
  static std::set<std::string> charged;
  std::lock_guard lock(mutex);
  return charged.insert(account).second;
}

}  // namespace

std::string PaymentsImpl::charge(std::string account, std::int64_t amount) {
  if (account == "empty") throw PaymentDeclined("insufficient funds for " + std::to_string(amount));
  if (account == "offline") throw BankUnreachable("no route to the bank");
  if (account == "flaky" && firstChargeOf(account)) throw BankUnreachable("the bank timed out");
  return "receipt " + account + "-" + std::to_string(amount);
}

bool MailerImpl::sendReceipt(std::string account, std::string) {
  if (account == "anon") throw NoAddress("no e-mail address for " + account);
  return true;
}

pledge::Promise<std::string> CheckoutImpl::pay(std::string account, std::int64_t amount) {
  return async().settle(account, payments_.charge(account, amount));
}

pledge::Promise<std::string> CheckoutImpl::settle(std::string account,
                                                  pledge::Promise<std::string> receipt) {
  // Only a PaymentDeclined gets here as a failure: the IDL accepts no other type.
  if (receipt.hasFailed()) {
    return pledge::Promise<std::string>::of("declined: " + receipt.error().message());
  }
  pledge::Promise<bool> mailed = mailer_.sendReceipt(account, receipt.get());
  return async().finish(receipt.get(), mailed);
}

pledge::Promise<std::string> CheckoutImpl::finish(std::string receipt,
                                                  pledge::Promise<bool> mailed) {
  // Accepts every failure: error() tells which one (type() is the exception's C++ type name).
  const std::string outcome =
      mailed.hasFailed() ? "not mailed (" + mailed.error().message() + ")" : "mailed";
  return pledge::Promise<std::string>::of("paid: " + receipt + ", " + outcome);
}

}  // namespace example::erroneous
