#include "notification_decider.h"

namespace example::notification {

void NotificationDeciderImpl::start(std::string userId, std::string message) {
  pledge::Promise<Profile> profile = profiles_.get(userId);
  pledge::Promise<bool> sent = async().sendToTransport(profile, message);
  async().blockOnFail(userId, sent);
}

pledge::Promise<bool> NotificationDeciderImpl::sendToTransport(Profile profile,
                                                               std::string message) {
  if (profile.blocked) return pledge::Promise<bool>::of(true);
  return profile.deliveryType == Delivery::Sms ? sms_.send(profile.phone, message)
                                               : mail_.send(profile.email, message);
}

void NotificationDeciderImpl::blockOnFail(std::string userId, pledge::Promise<bool> sent) {
  if (sent.hasFailed() || !sent.get()) profiles_.blockNotification(userId);
}

}  // namespace example::notification
