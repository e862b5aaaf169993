#include "notification_workers.h"

#include <spdlog/spdlog.h>

#include <charconv>

namespace example::notification {
namespace {

// The n of "user-<n>"; -1 when the id has another form.
long userNumber(const std::string& userId) {
  auto dash = userId.rfind('-');
  if (dash == std::string::npos) return -1;
  long number = -1;
  std::from_chars(userId.data() + dash + 1, userId.data() + userId.size(), number);
  return number;
}

bool rejected(const std::string& address) { return address.find("rejected") != std::string::npos; }

}  // namespace

Profile simulatedProfile(const std::string& userId) {
  const long n = userNumber(userId);
  Profile profile;
  profile.userId = userId;
  const bool bad = n >= 0 && n % 7 == 0;
  profile.email = userId + (bad ? "@rejected.example" : "@example.org");
  profile.phone = bad ? "+000-rejected" : "+100-" + std::to_string(n);
  profile.deliveryType = n >= 0 && n % 3 == 0 ? Delivery::Sms : Delivery::Email;
  profile.blocked = n >= 0 && n % 10 == 0;
  return profile;
}

Profile UserProfileServiceImpl::get(std::string userId) { return simulatedProfile(userId); }

void UserProfileServiceImpl::blockNotification(std::string userId) {
  spdlog::info("profile service: notifications blocked for {}", userId);
}

bool MailServiceImpl::send(std::string email, std::string message) {
  if (rejected(email)) throw AddressRejected("mail server rejected " + email);
  spdlog::debug("mail to {}: {}", email, message);
  return true;
}

bool SmsServiceImpl::send(std::string phone, std::string message) {
  if (rejected(phone)) throw AddressRejected("SMS gateway rejected " + phone);
  spdlog::debug("SMS to {}: {}", phone, message);
  return true;
}

}  // namespace example::notification
