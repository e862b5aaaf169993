// Routes of queues and actors: live tasks per queue and actor (summed over a cluster's nodes),
// blocking and unblocking an actor, and the limits on handing out an actor's tasks.
#include <utility>

#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {

std::vector<RestApi::Route> RestApi::Resources::queues() {
  // The actor as GET /api/v1/actors shows it (just its flag when it has no tasks nor pollers).
  Route::Handler setBlocked = [](RestApi& api, const HttpRequest& request, const PathParams& params,
                                 Responder respond) {
    const bool block = request.segments.back() == "block";
    api.engine_.setBlocked(params[0], block);
    for (const ActorStats& actor : api.engine_.actors()) {
      if (actor.actor == params[0]) return respond(jsonResponse(200, actorJson(actor)));
    }
    respond(jsonResponse(200, {{"actor", params[0]}, {"blocked", block}}));
  };
  return {
      route("GET", "/api/v1/queues",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              Json items = Json::array();
              for (const QueueStats& queue : api.engine_.queues())
                items.push_back(queueJson(queue));
              api.gatherFromPeers(request, "/api/v1/queues", std::move(items), mergeQueues,
                                  respond);
            }),
      route("GET", "/api/v1/actors",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              Json items = Json::array();
              for (const ActorStats& actor : api.engine_.actors())
                items.push_back(actorJson(actor));
              api.gatherFromPeers(request, "/api/v1/actors", std::move(items), mergeActors,
                                  respond);
            }),
      route("POST", "/api/v1/actors/{actor}/block", setBlocked),
      route("POST", "/api/v1/actors/{actor}/unblock", setBlocked),
      route("GET", "/api/v1/limits",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              Json items = Json::array();
              for (const LimitStats& limit : api.engine_.limits())
                items.push_back(limitJson(limit));
              api.gatherFromPeers(request, "/api/v1/limits", std::move(items), mergeLimits,
                                  respond);
            }),
      // Stored in the shared store: every node applies it (the others within a second).
      route("PUT", "/api/v1/limits",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              const TaskLimit limit = readLimit(parseBody(request));
              api.engine_.setLimit(limit);
              for (const LimitStats& applied : api.engine_.limits()) {
                if (applied.limit.actor == limit.actor && applied.limit.taskList == limit.taskList)
                  return respond(jsonResponse(200, limitJson(applied)));
              }
              respond(jsonResponse(200, limitJson(LimitStats{.limit = limit})));
            }),
      route("DELETE", "/api/v1/limits",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              auto actor = request.query.find("actor");
              PLEDGE_REQUIRE(actor != request.query.end() && !actor->second.empty(),
                             "actor: name the actor whose limit to clear (?actor=Name%23version)");
              auto taskList = request.query.find("taskList");
              const std::string list = taskList == request.query.end() ? "" : taskList->second;
              const bool cleared = api.engine_.clearLimit(actor->second, list);
              respond(jsonResponse(
                  200, {{"actor", actor->second}, {"taskList", list}, {"cleared", cleared}}));
            }),
  };
}

}  // namespace pledge::server
