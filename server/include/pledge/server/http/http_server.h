// HttpServer: an HTTP/1.1 keep-alive server on Boost.Beast. Requests and responses are plain
// structs so that Beast stays inside http_server.cpp; a handler answers through a Responder,
// at once or later from any thread (a long poll answers when a task is ready).
//
//   HttpServer server({.port = 8080}, [](HttpRequest&& request, Responder respond) {
//     respond(HttpResponse{.status = 200, .body = "{}"});
//   });
//   server.run();   // until stop() or SIGTERM/SIGINT
//
// Bodies over the configured limit are answered 413, malformed requests 400, without reaching
// the handler. A slow or idle client cannot hold the server: a connection waits idleTimeout for
// the first byte of a request, then headerTimeout for its header and bodyTimeout for its body
// (and as long for its answer to be written); past maxConnections a new connection gets a 503
// and is closed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pledge/error.h"
#include "pledge/server/auth/auth.h"

namespace pledge::server {

template <typename Stream>
class Connection;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent, e.g. "/api/v1/processes?state=broken"
  // Path segments, percent-decoded: "/api/v1/actors/A%231.0/block" -> api, v1, actors, A#1.0, block
  std::vector<std::string> segments;
  // The last value of each query parameter; repeatedQuery holds every value of the ones that
  // may repeat (?tag=a:1&tag=b:2), in order.
  std::map<std::string, std::string, std::less<>> query;
  std::multimap<std::string, std::string, std::less<>> repeatedQuery;
  std::string body;
  // The node that forwarded this request (header X-Pledge-Forwarded); empty when it came from
  // a client. A forwarded request is never forwarded again.
  std::string forwardedBy;
  // X-Pledge-Caller of a forwarded request: the name of the token the forwarding node acted for.
  std::string forwardedFor;
  // The Authorization header as sent ("Bearer <token>"); empty when absent.
  std::string authorization;
  // The Origin and Host headers (a browser names the page's origin on a cross-site request).
  std::string origin;
  std::string host;
  // Who sent the request, once RestApi has authenticated it.
  Caller caller;
  // Runs work later on the thread serving this connection (any thread may call it): a handler
  // answered on an engine thread hands the building of its answer back here. Null when the
  // request did not come through an HttpServer (work then runs at once).
  std::function<void(std::function<void()>)> post;
  // Registers what to do when the client goes away (closes its connection) before it is
  // answered: a parked long poll is cancelled that way. Called at most once, on the connection's
  // thread; at once when the client is gone already. Null outside an HttpServer.
  std::function<void(std::function<void()>)> onAbandoned;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Called (on the connection's thread) when the answer did not reach the client: its connection
  // had closed, or the write failed. An answer that leased tasks puts them back through it, so
  // that they are handed out again at once instead of after their leases.
  std::function<void()> undelivered;
};

// The answer to an error: the HTTP status of its code (error.h) and the error object
// {"error":{"code","message"}} (errorObjectText). Every error the server answers is built here.
HttpResponse errorResponse(const Error& error);

// Sends the response, from any thread. The first call answers; later ones are ignored (and
// logged): a handler that fails after answering cannot answer twice.
using Responder = std::function<void(HttpResponse)>;
// Answers through the responder. What it throws is answered 500 (and logged).
using HttpHandler = std::function<void(HttpRequest&&, Responder)>;

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  // 0 picks a free port; port() tells which.
  std::uint16_t port = 8080;
  std::size_t maxBodyBytes = 16 * 1024 * 1024;
  int threads = 1;
  // Open connections at most; one more is answered 503 and closed.
  std::size_t maxConnections = 10'000;
  // A keep-alive connection waits this long for the next request's first byte.
  std::chrono::milliseconds idleTimeout{120'000};
  // From the first byte to the end of the header, and then to the end of the body.
  std::chrono::milliseconds headerTimeout{10'000};
  std::chrono::milliseconds bodyTimeout{60'000};
  // TLS: PEM files of the certificate chain and its private key; empty: plain HTTP. SIGHUP loads
  // them again (new connections use the new certificate; a bad file keeps the old one).
  std::string tlsCert;
  std::string tlsKey;
};

// Thread-safe: stop() may be called from any thread.
class HttpServer {
 public:
  // Binds the port; throws pledge::Error naming the address when it cannot.
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;
  // Connections open now.
  std::size_t connections() const;
  // Called once on SIGTERM or SIGINT, on a server thread, before the server stops; use it to stop
  // what feeds in-flight requests (the engine answers its parked requests).
  void onShutdownSignal(std::function<void()> hook);
  // Serves until stop(): accepts connections and runs the handler on the server threads.
  void run();
  // Stops accepting, lets in-flight requests answer, closes idle connections; run() returns.
  void stop();

 private:
  template <typename Stream>
  friend class Connection;
  struct State;
  std::shared_ptr<State> state_;
};

// Percent-decodes a URL component ('+' stays '+'); nullopt for a malformed escape.
std::optional<std::string> percentDecode(std::string_view text);

// One request read from raw bytes the way a connection reads it (the same parser, limits and
// target decoding), for tests and fuzzing of the whole request path; nullopt when a connection
// would answer 400 or 413 itself, without a handler. post stays empty.
std::optional<HttpRequest> parseHttpRequest(std::string_view bytes, std::size_t maxBodyBytes);

}  // namespace pledge::server
