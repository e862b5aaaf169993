// The route table of RestApi, built from one table per resource, and the request readers its
// handlers share. Private to rest/.
//
//   std::vector<RestApi::Route> RestApi::Resources::queues() {
//     return {route("GET", "/api/v1/queues", [](RestApi& api, const HttpRequest& request,
//                                              const PathParams&, Responder respond) { ... })};
//   }
//
// A handler reads its request with the readers below; what they throw (pledge::Error, JsonError)
// is answered by RestApi::dispatch, the one place a request's errors are caught.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/json.h"
#include "pledge/limits.h"
#include "pledge/server/http/http_server.h"
#include "pledge/server/rest/rest_api.h"
#include "pledge/tags.h"
#include "pledge/uuid.h"

namespace pledge::server {

// The values of a request's {name} path segments, in the order of the route's template.
using PathParams = std::vector<std::string>;

// One route: a method and a path template whose {name} segments match any one segment.
// Immutable once built; the tables live as long as the process.
struct RestApi::Route {
  using Handler = void (*)(RestApi& api, const HttpRequest& request, const PathParams& params,
                           Responder respond);

  std::string method;
  // As the OpenAPI document writes it: "/api/v1/processes/{id}".
  std::string path;
  Handler handler;
  // The segments of path.
  std::vector<std::string> pattern;
  // "GET /api/v1/processes/{id}": the route's label in the request metrics.
  std::string name;
  // Who may use it (access.cpp).
  Access access = Access::Admin;
};

// The route tables, one per resource. Nested in RestApi so that the handlers reach its members.
struct RestApi::Resources {
  static Route route(std::string method, std::string path, Route::Handler handler);
  // A route about one process, whose path's first {name} is the process id: an id that is no
  // uuid is NotFound, a request about a process another node owns is relayed to that node, and
  // handler (a lambda without captures) answers the others as
  // handler(api, request, id, idText, respond), idText being the id as the request wrote it.
  // Defined in process_routes.cpp, its only user.
  template <auto handler>
  static Route processRoute(std::string method, std::string path);
  // A {name} segment of a template.
  static bool isParameter(std::string_view segment);

  // process_routes.cpp: start, list, read, restart and abort processes.
  static std::vector<Route> processes();
  // task_routes.cpp: poll, release, heartbeat.
  static std::vector<Route> tasks();
  // queue_routes.cpp: queues, actors, block and unblock.
  static std::vector<Route> queues();
  // event_routes.cpp: send events, list kept ones.
  static std::vector<Route> events();
  // workflow_routes.cpp: register, list and read workflow definitions.
  static std::vector<Route> workflows();
  // schedule_routes.cpp: create, list, read, replace, delete, pause, resume and trigger
  // schedules.
  static std::vector<Route> schedules();
  // cluster_routes.cpp: the cluster's nodes.
  static std::vector<Route> cluster();
  // retention_routes.cpp: retention's settings and counters, a pass now.
  static std::vector<Route> retention();
  // rest_api.cpp: metrics and the OpenAPI document.
  static std::vector<Route> service();
};

// Answers an engine's event delivery (event_routes.cpp).
std::function<void(Result<EventDelivery>)> answerDelivery(Responder respond);

// What a route needs (access.cpp); Admin for a route the table does not name.
Access routeAccess(std::string_view method, std::string_view path);

// Logs the audit line of a request that changes something (admission.cpp).
void auditRequest(const Caller& caller, const std::string& action,
                  const std::string& subject, const HttpResponse& response);

// Adds to the OpenAPI document what each operation needs (openapi_security.cpp).
void addSecurity(Json& doc);

// The worker actor scope of a caller as the engine takes it: empty when it may work for all.
ActorFilter actorFilter(const Caller& caller);

// The body of a request as JSON; BadRequest when it is empty or malformed.
Json parseBody(const HttpRequest& request);

// A path parameter as a UUID; NotFound (naming what) when it is not one.
Uuid uuidParam(const std::string& text, std::string_view what);

// An integer query parameter, fallback when absent; BadRequest when it is not an integer.
std::int64_t intQuery(const HttpRequest& request, std::string_view name, std::int64_t fallback);

// A query parameter as text, checked as a name of at most maxBytes (text.h); nullopt when absent
// or empty. BadRequest when it is not such a name.
std::optional<std::string> textQuery(const HttpRequest& request, std::string_view name,
                                     std::size_t maxBytes = limits::kMaxCustomIdBytes);

// Every ?tag=KEY:VALUE of the request (pledge/tags.h), at most limits::kMaxTagsPerProcess;
// BadRequest naming `tag` when one is malformed.
std::vector<TagFilter> tagQuery(const HttpRequest& request);

}  // namespace pledge::server
