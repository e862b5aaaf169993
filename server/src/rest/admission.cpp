// Who a request comes from and whether it may go on (docs/security.md): the caller its token
// stands for (or, on a request another node forwarded, the caller that node names once its node
// token is checked), the role check of the route, the refusal of cross-site requests a browser
// makes from a page of an origin not allowed, CORS preflights, and the audit line of every
// request that changes something.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "pledge/text.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {
namespace {

// "2026-12-03T23:50:01.123Z".
std::string utcNow() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  return fmt::format("{:%FT%T}.{:03}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     ms.count() % 1000);
}

}  // namespace

void RestApi::admit(HttpRequest& request, const Route& route) const {
  // A browser names the page's origin on a cross-site request; a page of another site must not
  // change anything here (nor read, when a token is needed: it has none to send).
  const bool sameOrigin = request.origin == "http://" + request.host ||
                          request.origin == "https://" + request.host;
  if (request.method != "GET" && !request.origin.empty() && !sameOrigin &&
      !corsAllowed(request.origin)) {
    throw Error(ErrorCode::Forbidden,
                fmt::format("a cross-site request from {} is refused; a server that serves pages "
                            "of another origin lists it in cors-origins",
                            quoteInput(request.origin)));
  }
  if (route.access == Access::Public) {
    request.caller = Caller{"anonymous", Role::Viewer, {}};
    return;
  }
  request.caller = authenticate(request);
  request.caller.check(route.access);
}

Caller RestApi::authenticate(const HttpRequest& request) const {
  const TokenTable& tokens = options_.tokens;
  if (request.forwardedBy.empty()) return tokens.authenticate(request.authorization);
  // Forwarded by another node: trusted only with a node token (admin), then for whom it names.
  if (tokens.empty()) {
    return Caller{request.forwardedFor.empty() ? "anonymous" : request.forwardedFor, Role::Admin,
                  {}};
  }
  const Caller node = tokens.authenticate(request.authorization);
  if (node.role != Role::Admin) {
    throw Error(ErrorCode::Forbidden,
                fmt::format("a request forwarded by node {} needs a node token of role admin "
                            "(node-token in that node's config); token \"{}\" is {}",
                            quoteInput(request.forwardedBy), node.name, roleName(node.role)));
  }
  std::optional<Caller> caller = tokens.byName(request.forwardedFor);
  if (!caller) {
    throw Error(ErrorCode::Unauthenticated,
                fmt::format("node {} forwarded a request of token {}, which this node does not "
                            "have: give every node the same tokens",
                            quoteInput(request.forwardedBy), quoteInput(request.forwardedFor)));
  }
  return *caller;
}

bool RestApi::corsAllowed(const std::string& origin) const {
  const std::vector<std::string>& allowed = options_.corsOrigins;
  return std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
}

bool RestApi::answerPreflight(const HttpRequest& request, const Responder& respond) const {
  if (request.origin.empty() || !corsAllowed(request.origin)) return false;
  respond(HttpResponse{204,
                       "text/plain",
                       "",
                       {{"Access-Control-Allow-Origin", request.origin},
                        {"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE"},
                        {"Access-Control-Allow-Headers", "Authorization, Content-Type"},
                        {"Access-Control-Max-Age", "600"},
                        {"Vary", "Origin"}}});
  return true;
}

void auditRequest(const Caller& caller, const std::string& action,
                  const std::string& subject, const HttpResponse& response) {
  // (One line of JSON per request, logged where the request arrived from its client.)
  Json line = {{"audit", action},
               {"at", utcNow()},
               {"who", caller.name},
               {"role", roleName(caller.role)},
               {"status", response.status}};
  if (!subject.empty()) line["id"] = subject;
  if (response.status < 300 && action == "POST /api/v1/processes") {
    // The process a start made (its id is in the answer).
    try {
      Json answer = parseJson(response.body);
      if (answer.contains("processId")) line["id"] = answer["processId"];
    } catch (const std::exception&) {
    }
  }
  spdlog::info("{}", dumpJson(line));
}

}  // namespace pledge::server
