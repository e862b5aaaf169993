// RecordingServer: an HTTP/1.1 server on a loopback port that records the body of every request
// by target and answers each target with the text a test set for it, so a test sees the exact
// bytes a client sends and what it makes of an answer, with no pledge-server running.
//
//   RecordingServer server;
//   server.answer("/api/v1/events", R"({"name":"paid","key":"o-1","resolved":1})");
//   RestClient client({server.url()});
//   client.sendEvent(event);
//   EXPECT_EQ(server.bodies("/api/v1/events").at(0), R"({"key":"o-1",...})");
//
// GET /api/v1/cluster answers {"nodes":[]} (one node); a target without an answer is a 404.
// Internally synchronized; each connection is served on a thread of its own; destruction closes
// the connections and joins the threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace pledge::testing {

class RecordingServer {
 public:
  RecordingServer();
  ~RecordingServer();
  RecordingServer(const RecordingServer&) = delete;
  RecordingServer& operator=(const RecordingServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string url() const;
  // Answers requests to target with status and body (application/json).
  void answer(const std::string& target, std::string body, int status = 200);
  // The bodies received for target, in order.
  std::vector<std::string> bodies(const std::string& target);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace pledge::testing
