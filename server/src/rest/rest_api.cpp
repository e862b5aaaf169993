// RestApi's core: the route table (one table per resource, routes.h), finding a request's route,
// the one place a request's errors are caught, the request readers the handlers share, and
// whether a request about a partition is answered here or relayed to the node that owns it.
#include "pledge/server/rest/rest_api.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <random>
#include <string_view>
#include <utility>

#include "pledge/json.h"
#include "pledge/text.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {

RestApi::RestApi(Engine& engine, Metrics& metrics, RestApiOptions options, Cluster* cluster,
                 workflow::WorkflowRunner* workflows, Scheduler* scheduler,
                 Retention* retention)
    : engine_(engine),
      metrics_(metrics),
      options_(std::move(options)),
      cluster_(cluster),
      workflows_(workflows),
      scheduler_(scheduler),
      retention_(retention),
      forwarder_(clustered() ? std::make_unique<Forwarder>(options_.nodeName, options_.nodeToken,
                                                             options_.tlsCa)
                             : nullptr) {}

// ---- the route table ----------------------------------------------------------------------

RestApi::Route RestApi::Resources::route(std::string method, std::string path,
                                         Route::Handler handler) {
  Route route{std::move(method), std::move(path), handler, {}, {}};
  std::string_view rest = route.path;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    if (slash > 0) route.pattern.emplace_back(rest.substr(0, slash));
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
  }
  route.name = route.method + " " + route.path;
  route.access = routeAccess(route.method, route.path);
  return route;
}

bool RestApi::Resources::isParameter(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<RestApi::Route> RestApi::Resources::service() {
  return {
      route("GET", "/metrics",
            [](RestApi& api, const HttpRequest&, const PathParams&, Responder respond) {
              std::vector<QueueDepth> depths;
              for (const QueueStats& queue : api.engine_.queues()) {
                depths.push_back(QueueDepth{queue.actor, queue.taskList, queue.ready, queue.running,
                                            queue.waiting});
              }
              std::vector<LimitGauge> limits;
              for (const LimitStats& limit : api.engine_.limits()) {
                limits.push_back(LimitGauge{limit.limit.actor, limit.limit.taskList,
                                            limit.nodeMaxRunning, limit.running});
              }
              api.metrics_.setMemory(api.engine_.liveMemoryBytes(),
                                     api.engine_.options().memoryBudgetBytes,
                                     api.engine_.processesWaitingForMemory());
              respond(HttpResponse{200,
                                   "text/plain; version=0.0.4",
                                   api.metrics_.scrape(depths, api.engine_.processesInMemory(),
                                                       api.engine_.dormantProcesses(), limits),
                                   {}});
            }),
      route("GET", "/api/v1/whoami",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              const Caller& caller = request.caller;
              Json may = Json::array();
              for (Access access : {Access::Work, Access::Start, Access::ReadProcess, Access::Read,
                                    Access::Operate, Access::Signal, Access::Admin}) {
                if (allows(caller.role, access)) may.push_back(accessName(access));
              }
              respond(jsonResponse(200, {{"name", caller.name},
                                         {"role", roleName(caller.role)},
                                         {"actors", caller.actors},
                                         {"may", std::move(may)},
                                         {"open", api.options_.tokens.empty()}}));
            }),
      route("GET", "/api/v1/openapi.json",
            [](RestApi&, const HttpRequest&, const PathParams&, Responder respond) {
              respond(HttpResponse{200, "application/json", openApiDocument(), {}});
            }),
  };
}

const std::vector<RestApi::Route>& RestApi::routes() {
  static const std::vector<Route> table = [] {
    std::vector<Route> all;
    for (auto resource : {&Resources::processes, &Resources::tasks, &Resources::queues,
                          &Resources::events, &Resources::workflows, &Resources::schedules,
                          &Resources::cluster, &Resources::retention, &Resources::service}) {
      for (Route& route : resource()) all.push_back(std::move(route));
    }
    return all;
  }();
  return table;
}

std::vector<RestApi::RouteTemplate> RestApi::routeTemplates() {
  std::vector<RouteTemplate> templates;
  for (const Route& route : routes()) templates.push_back(RouteTemplate{route.method, route.path});
  return templates;
}

// ---- answering a request ------------------------------------------------------------------

void RestApi::handle(HttpRequest&& request, Responder respond) {
  // The last guard of a request: whatever escapes routing, the console or a handler is answered
  // (the responder ignores a second answer).
  try {
    routeRequest(std::move(request), respond);
  } catch (const std::exception& error) {
    spdlog::error("unexpected error while answering a request: {}", toValidUtf8(error.what()));
    respond(errorResponse(Error(ErrorCode::Internal, error.what())));
  }
}

void RestApi::routeRequest(HttpRequest&& request, const Responder& respond) {
  const bool underApi = !request.segments.empty() &&
                        (request.segments[0] == "api" || request.segments[0] == "metrics");
  if (request.method == "GET" && !underApi) {
    serveConsole(request, respond);
    return;
  }
  if (request.method == "OPTIONS" && answerPreflight(request, respond)) return;
  // Find the route: of those whose pattern matches the path, the ones naming most of its
  // segments literally (POST /api/v1/tasks/poll, not GET /api/v1/tasks/{id}), the first with
  // the request's method; a path that matches only with another method is 405.
  auto literalsMatched = [&request](const Route& route) {
    if (route.pattern.size() != request.segments.size()) return -1;
    int literals = 0;
    for (std::size_t i = 0; i < route.pattern.size(); ++i) {
      if (Resources::isParameter(route.pattern[i])) continue;
      if (route.pattern[i] != request.segments[i]) return -1;
      ++literals;
    }
    return literals;
  };
  int best = -1;
  for (const Route& route : routes()) best = std::max(best, literalsMatched(route));
  const bool pathKnown = best >= 0;
  for (const Route& route : routes()) {
    if (!pathKnown || literalsMatched(route) != best) continue;
    if (request.method != route.method) continue;
    try {
      admit(request, route);
    } catch (const Error& error) {
      HttpResponse refused = errorResponse(error);
      if (request.method != "GET" && spdlog::should_log(spdlog::level::info)) {
        // A refused attempt to change something is audited too.
        const Caller who{request.caller.name.empty() ? "unauthenticated" : request.caller.name,
                         request.caller.role,
                         {}};
        auditRequest(who, route.name, "", refused);
      }
      respond(std::move(refused));
      return;
    }
    if (!request.origin.empty() && corsAllowed(request.origin)) {
      dispatch(request, route, [respond, origin = request.origin](HttpResponse response) {
        response.headers.emplace_back("Access-Control-Allow-Origin", origin);
        response.headers.emplace_back("Vary", "Origin");
        respond(std::move(response));
      });
    } else {
      dispatch(request, route, respond);
    }
    return;
  }
  Error error = pathKnown
                    ? Error(ErrorCode::MethodNotAllowed,
                            fmt::format("{} is not allowed on {}", quoteInput(request.method),
                                        quoteInput(request.target)))
                    : Error(ErrorCode::NotFound,
                            fmt::format("no route {} {}; see GET /api/v1/openapi.json",
                                        quoteInput(request.method), quoteInput(request.target)));
  respond(errorResponse(error));
}

void RestApi::dispatch(const HttpRequest& request, const Route& route, Responder respond) {
  const auto started = std::chrono::steady_clock::now();
  Responder measured = [this, respond = std::move(respond), started,
                        name = std::string_view(route.name)](HttpResponse response) {
    metrics_.observeRequest(
        name, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    respond(std::move(response));
  };
  PathParams params;
  for (std::size_t i = 0; i < route.pattern.size(); ++i) {
    if (Resources::isParameter(route.pattern[i])) params.push_back(request.segments[i]);
  }
  if (request.method != "GET" && request.forwardedBy.empty() && route.access != Access::Work &&
      spdlog::should_log(spdlog::level::info)) {
    // Every change is audited where it arrived from its client; the workers' polls, releases and
    // heartbeats (tens of thousands a second) are counted by the metrics instead.
    // (The request may be gone when a long poll answers: the caller is copied.)
    measured = [caller = request.caller, &route, subject = params.empty() ? "" : params[0],
                measured = std::move(measured)](HttpResponse response) {
      auditRequest(caller, route.name, subject, response);
      measured(std::move(response));
    };
  }
  // The one place where a request's errors are caught.
  try {
    route.handler(*this, request, params, measured);
  } catch (const Error& error) {
    measured(errorResponse(error));
  } catch (const std::exception& error) {
    spdlog::error("{} {}: {}", quoteInput(request.method), quoteInput(request.target),
                  toValidUtf8(error.what()));
    measured(errorResponse(Error(ErrorCode::Internal, error.what())));
  }
}

// ---- reading a request --------------------------------------------------------------------

Json parseBody(const HttpRequest& request) {
  PLEDGE_REQUIRE(!request.body.empty(), "the request needs a JSON body");
  return parseJson(request.body);
}

Uuid uuidParam(const std::string& text, std::string_view what) {
  auto id = Uuid::parse(text);
  if (!id) {
    throw Error(ErrorCode::NotFound,
                fmt::format("no {} \"{}\": ids are UUIDs like 1b4e28ba-2fa1-41d2-883f-0016d3cca427",
                            what, quoteInput(text)));
  }
  return *id;
}

std::int64_t intQuery(const HttpRequest& request, std::string_view name, std::int64_t fallback) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  PLEDGE_REQUIRE(ec == std::errc() && end == it->second.data() + it->second.size(),
                 "{}: expected an integer, got \"{}\"", name, quoteInput(it->second));
  return value;
}

std::optional<std::string> textQuery(const HttpRequest& request, std::string_view name,
                                     std::size_t maxBytes) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return std::nullopt;
  if (auto problem = checkName(it->second, maxBytes)) {
    throw Error(ErrorCode::BadRequest, fmt::format("{}: {}", name, *problem));
  }
  return it->second;
}

std::vector<TagFilter> tagQuery(const HttpRequest& request) {
  std::vector<TagFilter> tags;
  auto [first, last] = request.repeatedQuery.equal_range("tag");
  for (auto it = first; it != last; ++it) {
    PLEDGE_REQUIRE(tags.size() < limits::kMaxTagsPerProcess, "tag: at most {} tags, got more",
                   limits::kMaxTagsPerProcess);
    tags.push_back(atField("tag", [&] { return parseTagFilter(it->second); }));
  }
  return tags;
}

// ---- cluster routing ----------------------------------------------------------------------

std::optional<std::string> RestApi::ownerElsewhere(const HttpRequest& request,
                                                   int partition) const {
  if (!clustered() || !request.forwardedBy.empty() || engine_.owns(partition)) return std::nullopt;
  return cluster_->ownerAddress(partition);
}

std::optional<std::string> RestApi::startTarget(const HttpRequest& request) const {
  if (!clustered() || !request.forwardedBy.empty() || engine_.servesAnyPartition()) {
    return std::nullopt;
  }
  std::vector<std::string> peers = cluster_->servingPeers();
  if (peers.empty()) return std::nullopt;
  static thread_local std::minstd_rand pick(std::random_device{}());
  return peers[pick() % peers.size()];
}

void RestApi::relay(const std::string& address, const HttpRequest& request, Responder respond) {
  metrics_.requestForwarded("process");
  forwarder_->send(address, request.caller.name, request.method, request.target, request.body,
                   [respond](Result<ForwardedResponse> answer) {
                     if (!answer.ok()) return respond(errorResponse(answer.error()));
                     ForwardedResponse& forwarded = answer.value();
                     respond(HttpResponse{
                         forwarded.status,
                         forwarded.contentType.empty() ? "application/json" : forwarded.contentType,
                         std::move(forwarded.body),
                         {}});
                   });
}

}  // namespace pledge::server
