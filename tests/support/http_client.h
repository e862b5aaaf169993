// HttpClient: a small blocking HTTP/1.1 keep-alive client for integration tests (Boost.Beast).
//
//   HttpClient client("127.0.0.1", port);
//   HttpResult result = client.post("/api/v1/processes", R"({"actor":"D#1","method":"start"})");
//   EXPECT_EQ(result.status, 201);
//   pledge::Json body = result.json();
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "pledge/json.h"

namespace pledge::testing {

struct HttpResult {
  int status = 0;
  std::string contentType;
  // Every header of the answer, by its name as sent.
  std::map<std::string, std::string> headers;
  std::string body;

  // The body parsed; throws when it is not JSON.
  Json json() const { return parseJson(body); }
};

// Not thread-safe: one client per thread. Reconnects when the server closed the connection.
class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult get(const std::string& target);
  HttpResult post(const std::string& target, const std::string& body);
  HttpResult post(const std::string& target, const char* body) {
    return post(target, std::string(body));
  }
  HttpResult post(const std::string& target, const Json& body) { return post(target, body.dump()); }
  HttpResult request(const std::string& method, const std::string& target, const std::string& body);
  // Sent with every request from now on (e.g. Authorization); an empty value removes it.
  void setHeader(const std::string& name, const std::string& value);

 private:
  struct Connection;
  std::string host_;
  std::uint16_t port_;
  std::unique_ptr<Connection> connection_;
  std::map<std::string, std::string> headers_;
};

}  // namespace pledge::testing
