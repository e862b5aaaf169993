// RestApi: REST API v1 of pledge-server (DESIGN.md) over the Engine: routes, JSON bodies, the
// error object, metrics and the OpenAPI document (server/src/rest/README.md has the file map).
//
//   RestApi api(engine, metrics, {.nodeName = "node-1", .address = "http://127.0.0.1:8080"});
//   HttpServer server(options, [&](HttpRequest&& request, Responder respond) {
//     api.handle(std::move(request), std::move(respond));
//   });
//
// Every error is {"error":{"code","message"}} with the status of its code; bad input is caught
// in exactly one place (handle) and never stops the server. Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pledge/json.h"
#include "pledge/release.h"
#include "pledge/schedule.h"
#include "pledge/server/auth/auth.h"
#include "pledge/server/cluster/cluster.h"
#include "pledge/server/engine/engine.h"
#include "pledge/server/cluster/forwarder.h"
#include "pledge/server/http/http_server.h"
#include "pledge/server/node/metrics.h"

namespace pledge::server {

namespace workflow {
class WorkflowRunner;
}
class Scheduler;
class Retention;

struct RestApiOptions {
  std::string nodeName = "node-1";
  // How clients reach this node, as /api/v1/cluster lists it.
  std::string address;
  // Folder of the web console's built assets (index.html, assets/...); served for GET requests
  // outside /api and /metrics. Absent or missing: GET / explains how to build the console.
  std::string consoleDir;
  // Who may do what (auth/auth.h); empty: every request is the anonymous admin.
  TokenTable tokens;
  // The secret of an admin token the other nodes know, sent on what this node forwards.
  std::string nodeToken;
  // A PEM file of CA certificates to trust when forwarding over https; empty: the system's.
  std::string tlsCa;
  // Origins whose pages may call the API from a browser (CORS); others' requests that change
  // anything are refused.
  std::vector<std::string> corsOrigins;
};

// In a cluster (cluster given and shared) a request about a process another node owns is
// forwarded to that node: starts with a customId, process routes, releases and heartbeats;
// batches are split by owner and their answers merged in order. Queues and actors are summed
// over the live nodes (?scope=local: this node only).
class RestApi {
 public:
  RestApi(Engine& engine, Metrics& metrics, RestApiOptions options, Cluster* cluster = nullptr,
          workflow::WorkflowRunner* workflows = nullptr, Scheduler* scheduler = nullptr,
          Retention* retention = nullptr);

  // Answers the request through respond, exactly once; never throws.
  void handle(HttpRequest&& request, Responder respond);

  struct RouteTemplate {
    std::string method;  // "GET"
    std::string path;    // "/api/v1/processes/{id}"
  };
  // Starts the process of a schedule's fire (the Scheduler's FireStarter): start is a start
  // body with its customId; it is started here, or on the node that owns its partition.
  void startScheduledProcess(Json start, std::function<void(Result<StartedProcess>)> done);

  // Every route, in the order requests are matched against them (what the OpenAPI document
  // describes).
  static std::vector<RouteTemplate> routeTemplates();

 private:
  // One route (rest/routes.h), and the route tables of the resources (process_routes.cpp, ...).
  struct Route;
  struct Resources;
  static const std::vector<Route>& routes();
  // Finds the route and runs its handler (or the console's).
  void routeRequest(HttpRequest&& request, const Responder& respond);
  // Answers a GET outside the API from the console's folder (single-page app: unknown paths
  // without a file extension get index.html).
  void serveConsole(const HttpRequest& request, Responder respond);
  void dispatch(const HttpRequest& request, const Route& route, Responder respond);
  // Sets request.caller and checks that it may use the route: Unauthenticated (401), Forbidden
  // (403) for a role that may not, or for a cross-site request from an origin not allowed.
  void admit(HttpRequest& request, const Route& route) const;
  Caller authenticate(const HttpRequest& request) const;
  bool corsAllowed(const std::string& origin) const;
  // Answers a CORS preflight (OPTIONS) from an allowed origin; false when it is not one.
  bool answerPreflight(const HttpRequest& request, const Responder& respond) const;

  // The address of the node to forward a request about this partition to; nullopt to handle
  // it here (this node owns it, the request was forwarded already, or the owner is unknown).
  std::optional<std::string> ownerElsewhere(const HttpRequest& request, int partition) const;
  // Where a start without a customId goes when this node serves no partition yet.
  std::optional<std::string> startTarget(const HttpRequest& request) const;
  // Sends the request to the node and answers with its answer.
  void relay(const std::string& address, const HttpRequest& request, Responder respond);
  // Local and forwarded answers of one batch, merged in request order (one result per decision).
  void releaseAcrossNodes(const HttpRequest& request, std::vector<Decision> decisions,
                          std::function<void(std::vector<ReleaseResult>)> done);
  void startAcrossNodes(const HttpRequest& request, const Json& body,
                        std::vector<StartRequest> starts, Responder respond);
  // Answers local merged with every live peer's answer to GET path?scope=local.
  void gatherFromPeers(const HttpRequest& request, const std::string& path, Json local,
                       std::function<Json(std::vector<Json>)> merge, Responder respond);
  // A start of "workflow:NAME" or "workflow:NAME#VERSION": names the version (the latest when
  // none is given), defaults the method, takes "input" as the one argument. NotFound for a
  // workflow that is not registered.
  void prepareWorkflowStart(Json& start) const;
  // The schedule of a POST or PUT body (the path's id when given), its start checked as
  // POST /api/v1/processes checks one; BadRequest naming the field (schedule_routes.cpp).
  Schedule readSchedule(const HttpRequest& request, const std::optional<std::string>& pathId) const;
  bool clustered() const { return cluster_ != nullptr && cluster_->shared(); }

  Engine& engine_;
  Metrics& metrics_;
  RestApiOptions options_;
  Cluster* cluster_;
  workflow::WorkflowRunner* workflows_;
  Scheduler* scheduler_;
  Retention* retention_;
  std::unique_ptr<Forwarder> forwarder_;
};

// A process as the retention archive keeps it (docs/operations.md "Retention"): one JSON line
// {"process": <as GET /api/v1/processes/{id}>, "tasks": <as GET .../tasks>}; defaultTimeoutMs
// is the lease of tasks that set none (EngineOptions).
std::string archiveLineOf(const EndedProcess& ended, std::int64_t defaultTimeoutMs);

// The OpenAPI 3 document of REST API v1.
const std::string& openApiDocument();

}  // namespace pledge::server
