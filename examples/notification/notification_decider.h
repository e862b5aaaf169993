// The notification decider: get the profile, send by the transport it names, block further
// notifications when sending failed.
#pragma once

#include <string>

#include "notification.pledge.h"

namespace example::notification {

class NotificationDeciderImpl final : public NotificationDecider {
 public:
  // Records: get the profile (worker), sendToTransport once it resolves, blockOnFail once the
  // send resolves or fails.
  void start(std::string userId, std::string message) override;
  // A blocked user counts as done; otherwise SMS or e-mail as the profile says.
  pledge::Promise<bool> sendToTransport(Profile profile, std::string message) override;
  // Blocks notifications for the user when sending failed or returned false.
  void blockOnFail(std::string userId, pledge::Promise<bool> sent) override;

 private:
  UserProfileServiceClient profiles_;
  MailServiceClient mail_;
  SMSServiceClient sms_;
};

}  // namespace example::notification
