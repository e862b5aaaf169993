// RestClient's calls of workflow definitions (POST/GET /api/v1/workflows) and WorkflowInfo as
// their answers carry it.
#include <fmt/format.h>

#include "pledge/rest_client.h"
#include "rest_json.h"

namespace pledge {

void to_json(Json& out, const WorkflowInfo& info) {
  out = Json{{"name", info.name},   {"version", info.version},
             {"actor", info.actor}, {"description", info.description},
             {"tasks", info.tasks}, {"createdAt", info.createdAt}};
  if (info.created) out["created"] = true;
  if (!info.definition.is_null()) out["definition"] = info.definition;
}

void from_json(const Json& in, WorkflowInfo& info) {
  requireObject(in);
  WorkflowInfo read;
  read.name = readField(in, "name", readString);
  read.version = readField(in, "version", readAs<int>);
  read.actor = readField(in, "actor", readString);
  read.description = readOptionalField(in, "description", readString).value_or("");
  read.tasks = readOptionalField(in, "tasks", readAs<int>).value_or(0);
  read.createdAt = readOptionalField(in, "createdAt", readInt).value_or(0);
  read.created = readOptionalField(in, "created", readBool).value_or(false);
  if (const Json* definition = optionalField(in, "definition")) read.definition = *definition;
  info = std::move(read);
}

WorkflowInfo RestClient::registerWorkflow(const Json& definition) {
  return call("POST", "/api/v1/workflows", std::optional<Json>(definition)).get<WorkflowInfo>();
}

std::vector<WorkflowInfo> RestClient::workflows() {
  return readField(call("GET", "/api/v1/workflows"), "items", readArray<WorkflowInfo>);
}

WorkflowInfo RestClient::workflow(const std::string& name, std::optional<int> version) {
  std::string path = "/api/v1/workflows/" + urlEncode(name);
  if (version) path += fmt::format("/{}", *version);
  return call("GET", path).get<WorkflowInfo>();
}

}  // namespace pledge
