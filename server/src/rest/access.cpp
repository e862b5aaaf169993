// Who may use each route: the one table a review of the API's security reads (docs/security.md
// states the same). A route missing here needs an admin token (fail closed); a test walks every
// route with every role.
#include <algorithm>
#include <array>
#include <string_view>

#include "rest/routes.h"

namespace pledge::server {
namespace {

struct RouteAccess {
  std::string_view method;
  std::string_view path;
  Access access;
};

constexpr std::array kRouteAccess{
    RouteAccess{"GET", "/api/v1/openapi.json", Access::Public},
    RouteAccess{"GET", "/api/v1/whoami", Access::Identify},
    RouteAccess{"POST", "/api/v1/processes", Access::Start},
    RouteAccess{"POST", "/api/v1/processes/batch", Access::Start},
    RouteAccess{"GET", "/api/v1/processes", Access::Read},
    RouteAccess{"GET", "/api/v1/processes/{id}", Access::ReadProcess},
    RouteAccess{"GET", "/api/v1/processes/{id}/tasks", Access::ReadProcess},
    RouteAccess{"GET", "/api/v1/processes/{id}/result", Access::ReadProcess},
    RouteAccess{"POST", "/api/v1/processes/{id}/restart", Access::Operate},
    RouteAccess{"POST", "/api/v1/processes/{id}/abort", Access::Operate},
    RouteAccess{"POST", "/api/v1/processes/{id}/pause", Access::Operate},
    RouteAccess{"POST", "/api/v1/processes/{id}/resume", Access::Operate},
    RouteAccess{"POST", "/api/v1/processes/{id}/events", Access::Signal},
    RouteAccess{"POST", "/api/v1/events", Access::Signal},
    RouteAccess{"GET", "/api/v1/events", Access::Read},
    RouteAccess{"POST", "/api/v1/tasks/poll", Access::Work},
    RouteAccess{"POST", "/api/v1/tasks/release", Access::Work},
    RouteAccess{"GET", "/api/v1/tasks/{id}", Access::Read},
    RouteAccess{"POST", "/api/v1/tasks/{id}/heartbeat", Access::Work},
    RouteAccess{"GET", "/api/v1/queues", Access::Read},
    RouteAccess{"GET", "/api/v1/actors", Access::Read},
    RouteAccess{"POST", "/api/v1/actors/{actor}/block", Access::Operate},
    RouteAccess{"POST", "/api/v1/actors/{actor}/unblock", Access::Operate},
    RouteAccess{"GET", "/api/v1/limits", Access::Read},
    RouteAccess{"PUT", "/api/v1/limits", Access::Operate},
    RouteAccess{"DELETE", "/api/v1/limits", Access::Operate},
    RouteAccess{"POST", "/api/v1/workflows", Access::Admin},
    RouteAccess{"GET", "/api/v1/workflows", Access::Read},
    RouteAccess{"GET", "/api/v1/workflows/{name}", Access::Read},
    RouteAccess{"GET", "/api/v1/workflows/{name}/{version}", Access::Read},
    RouteAccess{"POST", "/api/v1/schedules", Access::Operate},
    RouteAccess{"GET", "/api/v1/schedules", Access::Read},
    RouteAccess{"GET", "/api/v1/schedules/{id}", Access::Read},
    RouteAccess{"PUT", "/api/v1/schedules/{id}", Access::Operate},
    RouteAccess{"DELETE", "/api/v1/schedules/{id}", Access::Operate},
    RouteAccess{"POST", "/api/v1/schedules/{id}/pause", Access::Operate},
    RouteAccess{"POST", "/api/v1/schedules/{id}/resume", Access::Operate},
    RouteAccess{"POST", "/api/v1/schedules/{id}/trigger", Access::Operate},
    RouteAccess{"GET", "/api/v1/cluster", Access::Read},
    RouteAccess{"GET", "/api/v1/retention", Access::Read},
    RouteAccess{"POST", "/api/v1/retention/run", Access::Admin},
    RouteAccess{"GET", "/metrics", Access::Read},
};

}  // namespace

Access routeAccess(std::string_view method, std::string_view path) {
  for (const RouteAccess& row : kRouteAccess) {
    if (row.method == method && row.path == path) return row.access;
  }
  return Access::Admin;
}

ActorFilter actorFilter(const Caller& caller) {
  if (caller.actors.empty()) return {};
  return [actors = caller.actors](std::string_view actor) {
    return std::find(actors.begin(), actors.end(), actor) != actors.end();
  };
}

}  // namespace pledge::server
