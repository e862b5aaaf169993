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
  // nodeToken: the secret of an admin token the other nodes know (empty when they run without
  // tokens); every forwarded request carries it, and the name of the caller it acts for.
  // caFile: a PEM file of CA certificates to trust for https nodes (empty: the system's).
  Forwarder(std::string nodeName, std::string nodeToken, std::string caFile = {});
  ~Forwarder();
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Error(Unavailable) naming the node when it cannot be reached.
  // caller: the name of the token the request came with (the owner checks its role).
  void send(const std::string& address, const std::string& caller, const std::string& method,
            const std::string& target, std::string body,
            std::function<void(Result<ForwardedResponse>)> done);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pledge::server
