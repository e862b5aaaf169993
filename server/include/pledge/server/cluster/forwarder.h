// Forwarder: sends a request that reached the wrong node on to the node that owns its process
// (HTTP keep-alive client per node, cpprestsdk). The forwarded request carries
// X-Pledge-Forwarded so that the owner never forwards it again.
//
//   Forwarder forwarder("node-1");
//   forwarder.send("http://10.0.0.2:8080", "POST", "/api/v1/tasks/release", body,
//                  [](Result<ForwardedResponse> answer) { ... });
//
// Thread-safe; done runs on a client thread, exactly once.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "pledge/result.h"

namespace pledge::server {

struct ForwardedResponse {
  int status = 200;
  std::string contentType;
  std::string body;
};

class Forwarder {
 public:
  explicit Forwarder(std::string nodeName);
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Error(Unavailable) naming the node when it cannot be reached.
  void send(const std::string& address, const std::string& method, const std::string& target,
            std::string body, std::function<void(Result<ForwardedResponse>)> done);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pledge::server
