// NotificationDecider as a changed version of examples/notification would build it: start
// signs every message, and sendToTransport always sends e-mail. pledge replay of a process the
// example ran must show both changes (replay_test.cpp).
#include "notification_decider.h"

namespace example::notification {

void NotificationDeciderImpl::start(std::string userId, std::string message) {
  pledge::Promise<Profile> profile = profiles_.get(userId);
  pledge::Promise<bool> sent = async().sendToTransport(profile, message + " -- Pledge");
  async().blockOnFail(userId, sent);
}

pledge::Promise<bool> NotificationDeciderImpl::sendToTransport(Profile profile,
                                                               std::string message) {
  if (profile.blocked) return pledge::Promise<bool>::of(false);
  return mail_.send(profile.email, message);
}

void NotificationDeciderImpl::blockOnFail(std::string userId, pledge::Promise<bool> sent) {
  if (!sent.hasFailed() && !sent.get()) profiles_.blockNotification(userId);
}

}  // namespace example::notification
