// Transport: how RestClient sends one HTTP request to one node and waits for its answer.
//
//   std::unique_ptr<Transport> node =
//       makeTransport("http://127.0.0.1:8080", std::chrono::seconds(90));
//   HttpAnswer answer = node->send("POST", "/api/v1/tasks/poll", body);
//
// http:// nodes use a pool of keep-alive connections driven in the calling thread (Boost.Beast):
// a request costs its two system calls and no hand-off to another thread, which the runners'
// poll/release loops feel (cpprestsdk's client hands every request to its thread pool and back:
// two thread switches per call). https:// nodes use cpprestsdk's http_client, which brings TLS
// with certificate and host name checks (against the system's CAs, or TransportOptions::caFile).
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
  // Throws pledge::Error(Unavailable) saying why when the node could not be reached, its
  // certificate was not trusted, or it did not answer within the timeout.
  virtual HttpAnswer send(std::string_view method, std::string_view path,
                          const std::optional<std::string>& body) = 0;
};

struct TransportOptions {
  std::chrono::milliseconds timeout{90'000};
  // Sent as "Authorization: Bearer <token>" when not empty.
  std::string token;
  // https://: a PEM file of the CA certificates to trust instead of the system's (a private CA).
  std::string caFile;
};

// A transport to baseUrl ("http://host:port" or "https://...", optionally with a path prefix).
// Throws pledge::Error(BadRequest) for a URL it cannot use.
std::unique_ptr<Transport> makeTransport(const std::string& baseUrl,
                                         const TransportOptions& options);
std::unique_ptr<Transport> makeTransport(const std::string& baseUrl,
                                         std::chrono::milliseconds timeout);

}  // namespace pledge
