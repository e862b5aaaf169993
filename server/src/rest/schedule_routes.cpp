// Routes of schedules (docs/rest.md "Schedules"): create, replace, list, read, delete, pause,
// resume and trigger, over the node's Scheduler (schedule/); and the start of a fire, which goes
// to the node that owns the fire's process like a POST /api/v1/processes with a customId.
#include <fmt/format.h>

#include <utility>

#include "pledge/server/schedule/scheduler.h"
#include "pledge/text.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {
namespace {

Scheduler& schedulerOf(Scheduler* scheduler) {
  if (scheduler == nullptr) throw Error(ErrorCode::Unavailable, "this node runs no scheduler");
  return *scheduler;
}

// The answer of a forwarded start: the process, or the error the owner answered.
Result<StartedProcess> startedFrom(const Result<ForwardedResponse>& answer) {
  if (!answer.ok()) return answer.error();
  limits::Ignored written;  // by another node
  try {
    Json body = parseJson(answer.value().body);
    if (answer.value().status < 300) return body.get<StartedProcess>();
    if (body.contains("error")) return errorFromObject(body["error"]);
  } catch (const std::exception&) {
  }
  return Error(ErrorCode::Unavailable,
               fmt::format("the owner answered {}: {}", answer.value().status,
                           quoteInput(answer.value().body)));
}

}  // namespace

Schedule RestApi::readSchedule(const HttpRequest& request,
                               const std::optional<std::string>& pathId) const {
  Json body = parseBody(request);
  if (pathId && body.is_object()) {
    if (!body.contains("id")) body["id"] = *pathId;
    PLEDGE_REQUIRE(body["id"] == *pathId, "id: the body names schedule {}, the path {}",
                   body["id"].dump(), quoteInput(*pathId));
  }
  Schedule schedule = body.get<Schedule>();
  // The start of each fire is checked as POST /api/v1/processes checks one.
  atField("start", [&] {
    Json start = schedule.start;
    try {
      prepareWorkflowStart(start);
    } catch (const JsonError&) {
      throw;
    } catch (const Error& error) {
      throw Error(error.code(), "start." + error.message());
    }
    (void)start.get<StartRequest>();
  });
  return schedule;
}

void RestApi::startScheduledProcess(Json start, std::function<void(Result<StartedProcess>)> done) {
  StartRequest request;
  try {
    prepareWorkflowStart(start);
    request = start.get<StartRequest>();
  } catch (const Error& error) {
    return done(error);
  }
  const int partition = engine_.partitionOfCustomId(request.options.customId.value_or(""));
  std::optional<std::string> owner;
  if (clustered() && !engine_.owns(partition)) owner = cluster_->ownerAddress(partition);
  if (!owner) return engine_.startProcess(request, std::move(done));
  metrics_.requestForwarded("start");
  // The node token's own name is the caller: the owner knows it.
  std::string caller = "scheduler";
  if (!options_.tokens.empty()) {
    try {
      caller = options_.tokens.authenticate("Bearer " + options_.nodeToken).name;
    } catch (const Error&) {
    }
  }
  forwarder_->send(
      *owner, caller, "POST", "/api/v1/processes", Json(request).dump(),
      [done = std::move(done)](Result<ForwardedResponse> answer) { done(startedFrom(answer)); });
}

std::vector<RestApi::Route> RestApi::Resources::schedules() {
  return {
      route("POST", "/api/v1/schedules",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              PutOutcome put =
                  schedulerOf(api.scheduler_).create(api.readSchedule(request, std::nullopt));
              respond(jsonResponse(put.created ? 201 : 200, put.schedule));
            }),
      route("GET", "/api/v1/schedules",
            [](RestApi& api, const HttpRequest&, const PathParams&, Responder respond) {
              respond(jsonResponse(200, {{"items", schedulerOf(api.scheduler_).list()}}));
            }),
      route("GET", "/api/v1/schedules/{id}",
            [](RestApi& api, const HttpRequest&, const PathParams& params, Responder respond) {
              respond(jsonResponse(200, schedulerOf(api.scheduler_).get(params[0])));
            }),
      route("PUT", "/api/v1/schedules/{id}",
            [](RestApi& api, const HttpRequest& request, const PathParams& params,
               Responder respond) {
              respond(jsonResponse(
                  200, schedulerOf(api.scheduler_).replace(api.readSchedule(request, params[0]))));
            }),
      route("DELETE", "/api/v1/schedules/{id}",
            [](RestApi& api, const HttpRequest&, const PathParams& params, Responder respond) {
              schedulerOf(api.scheduler_).remove(params[0]);
              respond(HttpResponse{204, "application/json", "", {}});
            }),
      route("POST", "/api/v1/schedules/{id}/pause",
            [](RestApi& api, const HttpRequest&, const PathParams& params, Responder respond) {
              respond(jsonResponse(200, schedulerOf(api.scheduler_).setPaused(params[0], true)));
            }),
      route("POST", "/api/v1/schedules/{id}/resume",
            [](RestApi& api, const HttpRequest&, const PathParams& params, Responder respond) {
              respond(jsonResponse(200, schedulerOf(api.scheduler_).setPaused(params[0], false)));
            }),
      route(
          "POST", "/api/v1/schedules/{id}/trigger",
          [](RestApi& api, const HttpRequest&, const PathParams& params, Responder respond) {
            schedulerOf(api.scheduler_).trigger(params[0], [respond](Result<TriggeredFire> fired) {
              if (!fired.ok()) return respond(errorResponse(fired.error()));
              respond(jsonResponse(200, {{"processId", fired.value().started.processId},
                                         {"taskId", fired.value().started.taskId},
                                         {"customId", fired.value().customId}}));
            });
          }),
  };
}

}  // namespace pledge::server
