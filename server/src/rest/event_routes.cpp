// Routes of events (docs/events.md): send an event to whoever waits for its name and key, list
// the events kept for a waiter to come. (Sending to one process is a process route:
// process_routes.cpp.) Any node takes an event: the store is where it meets its waiters, so it
// needs no forwarding; the owners of the waiting tasks apply the deliveries.
#include <utility>

#include "pledge/event.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {

std::function<void(Result<EventDelivery>)> answerDelivery(Responder respond) {
  return [respond = std::move(respond)](Result<EventDelivery> delivery) {
    if (!delivery.ok()) return respond(errorResponse(delivery.error()));
    respond(jsonResponse(200, delivery.value()));
  };
}

namespace {

Json keptEventJson(const KeptEvent& event) {
  Json out{{"name", event.name}, {"key", event.key}};
  if (event.id) out["id"] = *event.id;
  if (event.processId) out["processId"] = *event.processId;
  {
    limits::Ignored written;
    out["payload"] = parseJson(event.payload);
  }
  out["keptAt"] = event.keptAt;
  out["keptUntil"] = event.keptUntil;
  return out;
}

}  // namespace

std::vector<RestApi::Route> RestApi::Resources::events() {
  return {
      route("POST", "/api/v1/events",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              Event event = parseBody(request).get<Event>();
              api.engine_.sendEvent(std::move(event), std::nullopt,
                                    answerDelivery(std::move(respond)));
            }),
      route("GET", "/api/v1/events",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              const std::int64_t limit = intQuery(request, "limit", 100);
              PLEDGE_REQUIRE(limit >= 1 && limit <= 1000, "limit: must be 1 to 1000, got {}",
                             limit);
              Json items = Json::array();
              for (const KeptEvent& event :
                   api.engine_.keptEvents(textQuery(request, "name", limits::kMaxNameBytes),
                                          static_cast<int>(limit))) {
                items.push_back(keptEventJson(event));
              }
              respond(jsonResponse(200, {{"items", std::move(items)}}));
            }),
  };
}

}  // namespace pledge::server
