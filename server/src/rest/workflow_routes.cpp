// Routes of workflow definitions (docs/workflows.md): register a version, list them, read one.
// Definitions live in the store, so any node answers; starting a workflow is a process route
// (process_routes.cpp, with the actor "workflow:NAME#VERSION").
#include <fmt/format.h>

#include <charconv>
#include <utility>

#include "pledge/server/workflow/workflow_runner.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {
namespace {

using workflow::RegisteredWorkflow;
using workflow::WorkflowRunner;

WorkflowRunner& runnerOf(WorkflowRunner* runner) {
  if (!runner) throw Error(ErrorCode::Unavailable, "this node runs no workflows");
  return *runner;
}

Json summary(const workflow::WorkflowDef& def, std::int64_t createdAt) {
  return {{"name", def.name},
          {"version", def.version},
          {"actor", def.actor()},
          {"description", def.description},
          {"tasks", def.byRef.size()},
          {"createdAt", createdAt}};
}

Json view(const RegisteredWorkflow& registered) {
  Json out = summary(*registered.def, registered.createdAt);
  out["definition"] = registered.def->source;
  return out;
}

int versionOf(const std::string& text) {
  int version = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc() || end != text.data() + text.size() || version < 1) {
    throw Error(ErrorCode::NotFound, fmt::format("version \"{}\": expected a number from 1", text));
  }
  return version;
}

void answerOne(WorkflowRunner& runner, const std::string& name, std::optional<int> version,
               const Responder& respond) {
  auto registered = runner.findRegistered(name, version);
  if (!registered) {
    throw Error(ErrorCode::NotFound,
                fmt::format("no workflow \"{}\"{} is registered", name,
                            version ? fmt::format(" version {}", *version) : ""));
  }
  respond(jsonResponse(200, view(*registered)));
}

}  // namespace

std::vector<RestApi::Route> RestApi::Resources::workflows() {
  return {
      route("POST", "/api/v1/workflows",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              WorkflowRunner& runner = runnerOf(api.workflows_);
              RegisteredWorkflow registered = runner.registerWorkflow(
                  parseBody(request), std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
              Json out = view(registered);
              out["created"] = registered.created;
              respond(jsonResponse(registered.created ? 201 : 200, out));
            }),
      route("GET", "/api/v1/workflows",
            [](RestApi& api, const HttpRequest&, const PathParams&, Responder respond) {
              WorkflowRunner& runner = runnerOf(api.workflows_);
              Json items = Json::array();
              for (const WorkflowRow& row : runner.list()) {
                if (auto def = runner.find(row.name, row.version)) {
                  items.push_back(summary(*def, row.createdAt));
                }
              }
              respond(jsonResponse(200, {{"items", std::move(items)}}));
            }),
      route("GET", "/api/v1/workflows/{name}",
            [](RestApi& api, const HttpRequest&, const PathParams& params, Responder respond) {
              answerOne(runnerOf(api.workflows_), params[0], std::nullopt, respond);
            }),
      route("GET", "/api/v1/workflows/{name}/{version}",
            [](RestApi& api, const HttpRequest&, const PathParams& params, Responder respond) {
              answerOne(runnerOf(api.workflows_), params[0], versionOf(params[1]), respond);
            }),
  };
}

void RestApi::prepareWorkflowStart(Json& start) const {
  if (!start.is_object() || !start.contains("actor") || !start["actor"].is_string()) return;
  const std::string actor = start["actor"].get<std::string>();
  const std::string_view prefix = workflow::kWorkflowActorPrefix;
  if (!actor.starts_with(prefix)) return;
  WorkflowRunner& runner = runnerOf(workflows_);
  std::string name = actor.substr(prefix.size());
  std::optional<int> version;
  if (auto named = workflow::workflowOfActor(actor)) {
    name = named->first;
    version = named->second;
  } else if (name.find('#') != std::string::npos) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("actor: expected \"workflow:NAME\" or \"workflow:NAME#VERSION\" (a "
                            "number), got \"{}\"",
                            actor));
  }
  auto def = runner.find(name, version);
  if (!def) {
    throw Error(ErrorCode::NotFound,
                fmt::format("actor: no workflow \"{}\"{} is registered (POST /api/v1/workflows)",
                            name, version ? fmt::format(" version {}", *version) : ""));
  }
  start["actor"] = def->actor();
  if (def->deadlineMs && !start.contains("deadlineMs")) start["deadlineMs"] = *def->deadlineMs;
  if (!start.contains("method")) start["method"] = "execute";
  if (start.contains("input")) {
    PLEDGE_REQUIRE(!start.contains("args"), "input: give the workflow's input or args, not both");
    start["args"] = Json::array({start["input"]});
    start.erase("input");
  }
}

}  // namespace pledge::server
