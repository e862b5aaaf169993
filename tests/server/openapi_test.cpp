// The OpenAPI document served at GET /api/v1/openapi.json: valid JSON, every route of REST API v1,
// and schemas that name every field the wire format writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <utility>

#include "pledge/decision.h"
#include "pledge/limits.h"
#include "pledge/server/rest/rest_api.h"

namespace pledge::server {
namespace {

Json document() { return Json::parse(openApiDocument()); }

using MethodAndPath = std::pair<std::string, std::string>;

// The routes RestApi serves, as the document writes them: ("get", "/api/v1/processes/{id}").
std::set<MethodAndPath> servedRoutes() {
  std::set<MethodAndPath> routes;
  for (const RestApi::RouteTemplate& route : RestApi::routeTemplates()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_TRUE(routes.emplace(method, route.path).second) << "served twice: " << route.path;
  }
  return routes;
}

std::set<MethodAndPath> documentedOperations(const Json& doc) {
  std::set<MethodAndPath> operations;
  for (const auto& [path, methods] : doc.at("paths").items()) {
    for (const auto& [method, operation] : methods.items()) operations.emplace(method, path);
  }
  return operations;
}

TEST(OpenApi, isJsonOfVersion3) {
  Json doc;
  ASSERT_NO_THROW(doc = document());
  EXPECT_EQ(doc.at("openapi").get<std::string>().substr(0, 2), "3.");
}

TEST(OpenApi, documentsEveryRoute) {
  const Json paths = document().at("paths");
  for (const char* path :
       {"/api/v1/processes", "/api/v1/processes/batch", "/api/v1/processes/{id}",
        "/api/v1/tasks/poll", "/api/v1/tasks/release", "/api/v1/tasks/{id}/heartbeat",
        "/api/v1/queues", "/api/v1/actors", "/api/v1/actors/{actor}/block",
        "/api/v1/actors/{actor}/unblock", "/api/v1/cluster", "/api/v1/openapi.json", "/metrics"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
}

TEST(OpenApi, describesExactlyTheRoutesTheServerServes) {
  const std::set<MethodAndPath> served = servedRoutes();
  const std::set<MethodAndPath> documented = documentedOperations(document());
  for (const auto& [method, path] : served) {
    EXPECT_TRUE(documented.contains({method, path})) << "served, not documented: " << method << " "
                                                     << path;
  }
  for (const auto& [method, path] : documented) {
    EXPECT_TRUE(served.contains({method, path})) << "documented, not served: " << method << " "
                                                 << path;
  }
}

TEST(OpenApi, describesUnownedPartitionsAsTheCountTheClusterViewWrites) {
  const Json cluster = document()
                           .at("paths")
                           .at("/api/v1/cluster")
                           .at("get")
                           .at("responses")
                           .at("200")
                           .at("content")
                           .at("application/json")
                           .at("schema");
  EXPECT_EQ(cluster.at("properties").at("unownedPartitions").at("type"), "integer");
}

TEST(OpenApi, declaresEveryPathParameterOfARoute) {
  const Json doc = document();
  for (const auto& [path, methods] : doc.at("paths").items()) {
    std::set<std::string> inPath;
    std::size_t open = path.find('{');
    while (open != std::string::npos) {
      const std::size_t close = path.find('}', open);
      inPath.insert(path.substr(open + 1, close - open - 1));
      open = path.find('{', close);
    }
    for (const auto& [method, operation] : methods.items()) {
      std::set<std::string> declared;
      for (const Json& parameter : operation.value("parameters", Json::array())) {
        Json resolved = parameter;
        if (parameter.contains("$ref")) {
          const std::string name = parameter.at("$ref").get<std::string>().substr(
              std::string("#/components/parameters/").size());
          resolved = doc.at("components").at("parameters").at(name);
        }
        if (resolved.at("in") == "path") declared.insert(resolved.at("name").get<std::string>());
      }
      EXPECT_EQ(declared, inPath) << method << " " << path;
    }
  }
}

TEST(OpenApi, decisionSchemaNamesEveryWireField) {
  Decision decision;
  decision.taskId = Uuid::random();
  decision.processId = Uuid::random();
  decision.promise = Uuid::random();
  const Json properties = document().at("components").at("schemas").at("Decision").at("properties");
  const Json wire = decision;
  for (const auto& [field, value] : wire.items()) EXPECT_TRUE(properties.contains(field)) << field;
  for (const char* field : {"result", "error", "tasks"})
    EXPECT_TRUE(properties.contains(field)) << field;
}

TEST(OpenApi, clusterAndSummedListsAreDescribed) {
  const Json paths = document().at("paths");
  const Json cluster = paths.at("/api/v1/cluster").at("get").at("responses").at("200");
  EXPECT_TRUE(
      cluster.at("content").at("application/json").at("schema").at("properties").contains("nodes"));
  for (const char* path : {"/api/v1/queues", "/api/v1/actors"}) {
    EXPECT_EQ(paths.at(path).at("get").at("parameters").at(0).at("name"), "scope") << path;
  }
}

TEST(OpenApi, statesTheLimitsTheServerEnforces) {
  const Json doc = document();
  const Json limits = doc.at("info").at("x-pledge-limits");
  EXPECT_EQ(limits.at("jsonDepth"), limits::kMaxJsonDepth);
  EXPECT_EQ(limits.at("nameBytes"), limits::kMaxNameBytes);
  EXPECT_EQ(limits.at("decisionsPerRelease"), limits::kMaxDecisionsPerRelease);
  EXPECT_EQ(limits.at("tasksPerDecision"), limits::kMaxTasksPerDecision);
  EXPECT_EQ(limits.at("timeoutMs"), limits::kMaxTimeoutMs);
  const Json schemas = doc.at("components").at("schemas");
  EXPECT_EQ(schemas.at("StartRequest").at("properties").at("actor").at("maxLength"),
            limits::kMaxNameBytes);
  EXPECT_TRUE(schemas.at("StartRequest").at("properties").contains("requestId"));
  EXPECT_EQ(schemas.at("Decision").at("properties").at("tasks").at("maxItems"),
            limits::kMaxTasksPerDecision);
  EXPECT_EQ(schemas.at("TaskSpec")
                .at("properties")
                .at("options")
                .at("properties")
                .at("timeoutMs")
                .at("maximum"),
            limits::kMaxTimeoutMs);
  const Json codes =
      schemas.at("Error").at("properties").at("error").at("properties").at("code").at("enum");
  for (ErrorCode code : allErrorCodes()) {
    EXPECT_NE(std::find(codes.begin(), codes.end(), Json(errorCodeName(code))), codes.end())
        << errorCodeName(code);
  }
  for (const auto& [path, operations] : doc.at("paths").items()) {
    for (const auto& [method, operation] : operations.items()) {
      for (const char* status : {"429", "503"}) {
        EXPECT_TRUE(operation.at("responses").contains(status))
            << method << " " << path << " " << status;
      }
    }
  }
}

}  // namespace
}  // namespace pledge::server
