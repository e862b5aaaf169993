// Routes of processes: start one or a batch (a batch is split by owner in a cluster:
// cluster_routes.cpp), list, read one with its tasks or its result, restart and abort. A request
// about a process another node owns is relayed to that node.
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "pledge/json_reader.h"
#include "pledge/limits.h"
#include "pledge/text.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {
namespace {

// Answers 200 with the process, or its error.
std::function<void(Result<ProcessInfo>)> answerProcess(Responder respond) {
  return [respond = std::move(respond)](Result<ProcessInfo> process) {
    if (!process.ok()) return respond(errorResponse(process.error()));
    respond(jsonResponse(200, process.value()));
  };
}

}  // namespace

template <auto handler>
RestApi::Route RestApi::Resources::processRoute(std::string method, std::string path) {
  return route(
      std::move(method), std::move(path),
      [](RestApi& api, const HttpRequest& request, const PathParams& params, Responder respond) {
        const Uuid id = uuidParam(params[0], "process");
        if (auto owner = api.ownerElsewhere(request, api.engine_.partitionOf(id))) {
          return api.relay(*owner, request, std::move(respond));
        }
        handler(api, request, id, params[0], std::move(respond));
      });
}

std::vector<RestApi::Route> RestApi::Resources::processes() {
  return {
      route("POST", "/api/v1/processes",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              Json body = parseBody(request);
              api.prepareWorkflowStart(body);
              StartRequest start = body.get<StartRequest>();
              const std::optional<int> partition = api.engine_.partitionOfStart(start);
              std::optional<std::string> owner =
                  partition ? api.ownerElsewhere(request, *partition) : api.startTarget(request);
              if (owner) return api.relay(*owner, request, respond);
              api.engine_.startProcess(start, [respond](Result<StartedProcess> started) {
                if (!started.ok()) return respond(errorResponse(started.error()));
                respond(jsonResponse(started.value().existing ? 200 : 201, started.value()));
              });
            }),
      route("POST", "/api/v1/processes/batch",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              Json body = parseBody(request);
              rejectUnknownFields(body, {"processes"});
              if (body["processes"].is_array()) {
                for (Json& start : body["processes"]) api.prepareWorkflowStart(start);
              }
              std::vector<StartRequest> starts =
                  readField(body, "processes", readArray<StartRequest>);
              PLEDGE_REQUIRE(!starts.empty() && starts.size() <= limits::kMaxStartsPerBatch,
                             "processes: start 1 to {} processes per request, got {}",
                             limits::kMaxStartsPerBatch, starts.size());
              api.startAcrossNodes(request, body, std::move(starts), respond);
            }),
      route("GET", "/api/v1/processes",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              ProcessQuery query;
              if (auto state = textQuery(request, "state")) {
                if (*state == "paused") {  // running or broken, and paused
                  query.paused = true;
                } else {
                  query.state = processStateFromName(*state);
                  PLEDGE_REQUIRE(query.state.has_value(),
                                 "state: expected running, paused, completed, broken or aborted, "
                                 "got \"{}\"",
                                 quoteInput(*state));
                }
              }
              query.actor = textQuery(request, "actor");
              query.customId = textQuery(request, "customId");
              query.tags = tagQuery(request);
              if (request.query.contains("startedAfter")) {
                query.startedAfter = intQuery(request, "startedAfter", 0);
              }
              if (request.query.contains("startedBefore")) {
                query.startedBefore = intQuery(request, "startedBefore", 0);
              }
              const std::int64_t limit = intQuery(request, "limit", 50);
              PLEDGE_REQUIRE(limit >= 1 && limit <= 1000, "limit: must be 1 to 1000, got {}",
                             limit);
              query.limit = static_cast<int>(limit);
              query.cursor = textQuery(request, "cursor");
              ProcessPage page = api.engine_.listProcesses(query);
              Json items = Json::array();
              for (const ProcessInfo& process : page.items) items.push_back(process);
              respond(jsonResponse(200, {{"items", std::move(items)},
                                         {"next", page.next ? Json(*page.next) : Json()}}));
            }),
      processRoute<[](RestApi& api, const HttpRequest&, const Uuid& id, const std::string& idText,
                      Responder respond) {
        auto process = api.engine_.process(id);
        if (!process) throw Error(ErrorCode::NotFound, "no process " + quoteInput(idText));
        respond(jsonResponse(200, *process));
      }>("GET", "/api/v1/processes/{id}"),
      processRoute<[](RestApi& api, const HttpRequest&, const Uuid& id, const std::string& idText,
                      Responder respond) {
        auto process = api.engine_.process(id);
        auto tasks = api.engine_.processTasks(id);
        if (!process || !tasks) {
          throw Error(ErrorCode::NotFound, "no process " + quoteInput(idText));
        }
        Json items = Json::array();
        for (const TaskSnapshot& task : *tasks) items.push_back(taskJson(task, process->taskId));
        respond(jsonResponse(200, items));
      }>("GET", "/api/v1/processes/{id}/tasks"),
      processRoute<[](RestApi& api, const HttpRequest& request, const Uuid& id, const std::string&,
                      Responder respond) {
        api.engine_.awaitProcess(id, intQuery(request, "waitMs", 0), answerProcess(respond));
      }>("GET", "/api/v1/processes/{id}/result"),
      processRoute<[](RestApi& api, const HttpRequest&, const Uuid& id, const std::string&,
                      Responder respond) { api.engine_.restart(id, answerProcess(respond)); }>(
          "POST", "/api/v1/processes/{id}/restart"),
      processRoute<[](RestApi& api, const HttpRequest&, const Uuid& id, const std::string&,
                      Responder respond) { api.engine_.abort(id, answerProcess(respond)); }>(
          "POST", "/api/v1/processes/{id}/abort"),
      processRoute<[](RestApi& api, const HttpRequest&, const Uuid& id, const std::string&,
                      Responder respond) { api.engine_.pause(id, answerProcess(respond)); }>(
          "POST", "/api/v1/processes/{id}/pause"),
      processRoute<[](RestApi& api, const HttpRequest&, const Uuid& id, const std::string&,
                      Responder respond) { api.engine_.resume(id, answerProcess(respond)); }>(
          "POST", "/api/v1/processes/{id}/resume"),
      processRoute<[](RestApi& api, const HttpRequest& request, const Uuid& id, const std::string&,
                      Responder respond) {
        Event event = parseBody(request).get<Event>();
        api.engine_.sendEvent(std::move(event), id, answerDelivery(std::move(respond)));
      }>("POST", "/api/v1/processes/{id}/events"),
  };
}

}  // namespace pledge::server
