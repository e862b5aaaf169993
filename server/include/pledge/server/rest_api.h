// RestApi: REST API v1 of pledge-server (DESIGN.md) over the Engine: routes, JSON bodies, the
// error object, metrics and the OpenAPI document.
//
//   RestApi api(engine, metrics, {.nodeName = "node-1", .address = "http://127.0.0.1:8080"});
//   HttpServer server(options, [&](HttpRequest&& request, Responder respond) {
//     api.handle(std::move(request), std::move(respond));
//   });
//
// Every error is {"error":{"code","message"}} with the status of its code; bad input is caught
// in exactly one place (handle) and never stops the server. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "pledge/server/engine.h"
#include "pledge/server/http_server.h"
#include "pledge/server/metrics.h"

namespace pledge::server {

struct RestApiOptions {
  std::string nodeName = "node-1";
  // How clients reach this node, as /api/v1/cluster lists it.
  std::string address;
  // Folder of the web console's built assets (index.html, assets/...); served for GET requests
  // outside /api and /metrics. Absent or missing: GET / explains how to build the console.
  std::string consoleDir;
};

class RestApi {
 public:
  RestApi(Engine& engine, Metrics& metrics, RestApiOptions options);

  // Answers the request through respond, exactly once; never throws.
  void handle(HttpRequest&& request, Responder respond);

 private:
  struct Route;
  static const std::vector<Route>& routes();
  // Answers a GET outside the API from the console's folder (single-page app: unknown paths
  // without a file extension get index.html).
  void serveConsole(const HttpRequest& request, Responder respond);
  void dispatch(const HttpRequest& request, const Route& route, Responder respond);

  Engine& engine_;
  Metrics& metrics_;
  RestApiOptions options_;
};

// The OpenAPI 3 document of REST API v1.
const std::string& openApiDocument();

}  // namespace pledge::server
