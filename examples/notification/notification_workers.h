// The workers of the notification example. They simulate their services deterministically from
// the user id, "user-<n>", so that tests and the demo know what each process must do:
//   n % 10 == 0  the user blocked notifications
//   n % 3  == 0  delivery by SMS, otherwise by e-mail
//   n % 7  == 0  the address is rejected: sending fails for good (AddressRejected)
#pragma once

#include <stdexcept>
#include <string>

#include "notification.pledge.h"

namespace example::notification {

// Sending to this address can never work; the IDL marks it non-retryable.
class AddressRejected : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The profile the simulated profile service returns for userId.
Profile simulatedProfile(const std::string& userId);

class UserProfileServiceImpl final : public UserProfileService {
 public:
  Profile get(std::string userId) override;
  void blockNotification(std::string userId) override;
};

class MailServiceImpl final : public MailService {
 public:
  bool send(std::string email, std::string message) override;
};

class SmsServiceImpl final : public SMSService {
 public:
  bool send(std::string phone, std::string message) override;
};

}  // namespace example::notification
