// Transport: how RestClient sends one HTTP request to one node and waits for its answer.
//
//   std::unique_ptr<Transport> node =
//       makeTransport("http://127.0.0.1:8080", std::chrono::seconds(90));
//   HttpAnswer answer = node->send("POST", "/api/v1/tasks/poll", body);
//
// http:// nodes use a pool of keep-alive connections driven in the calling thread (Boost.Beast):
// a request costs its two system calls and no hand-off to another thread, which the runners'
// poll/release loops feel (cpprestsdk's client hands every request to its thread pool and back:
// two thread switches per call). https:// nodes use cpprestsdk's http_client, which brings TLS.
//
// Internally synchronized: any number of threads may send at once (each on its own connection).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pledge {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends the request (a JSON body when given) and returns the answer, whatever its status.
  // Throws pledge::Error(Unavailable) saying why when the node could not be reached or did not
  // answer within the timeout (https://: cpprestsdk's web::http::http_exception).
  virtual HttpAnswer send(std::string_view method, std::string_view path,
                          const std::optional<std::string>& body) = 0;
};

// A transport to baseUrl ("http://host:port" or "https://...", optionally with a path prefix).
// Throws pledge::Error(BadRequest) for a URL it cannot use.
std::unique_ptr<Transport> makeTransport(const std::string& baseUrl,
                                         std::chrono::milliseconds timeout);

}  // namespace pledge
