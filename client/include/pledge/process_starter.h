// ProcessStarter: starts processes from outside a decider. The REST transport implements it; a
// generated <Decider>Starter uses it to start the decider's execute method with typed arguments:
//
//   pledge::RestClient client("http://127.0.0.1:8080");                // the transport
//   NotificationDeciderStarter notifications(client);
//   pledge::StartedProcess started =
//       notifications.with({.customId = "welcome-42"}).start("user-42", "hello");
#pragma once

#include "pledge/start_request.h"

namespace pledge {

// Implementations say how they may be shared between threads.
class ProcessStarter {
 public:
  virtual ~ProcessStarter() = default;
  // Starts a process, or returns the existing one for a repeated customId. Throws pledge::Error
  // when the server refuses or cannot be reached.
  virtual StartedProcess start(const StartRequest& request) = 0;
};

}  // namespace pledge
