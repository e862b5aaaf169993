// The OpenAPI document served at GET /api/v1/openapi.json: valid JSON, every route of REST API v1,
// and schemas that name every field the wire format writes.
#include <gtest/gtest.h>

#include "pledge/decision.h"
#include "pledge/server/rest_api.h"

namespace pledge::server {
namespace {

Json document() { return Json::parse(openApiDocument()); }

TEST(OpenApi, isJsonOfVersion3) {
  Json doc;
  ASSERT_NO_THROW(doc = document());
  EXPECT_EQ(doc.at("openapi").get<std::string>().substr(0, 2), "3.");
}

TEST(OpenApi, documentsEveryRoute) {
  const Json paths = document().at("paths");
  for (const char* path :
       {"/api/v1/processes", "/api/v1/processes/batch", "/api/v1/processes/{id}", "/api/v1/tasks/poll",
        "/api/v1/tasks/release", "/api/v1/tasks/{id}/heartbeat", "/api/v1/queues", "/api/v1/actors",
        "/api/v1/actors/{actor}/block", "/api/v1/actors/{actor}/unblock", "/api/v1/cluster", "/metrics"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
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
  for (const char* field : {"result", "error", "tasks"}) EXPECT_TRUE(properties.contains(field)) << field;
}

TEST(OpenApi, clusterAndSummedListsAreDescribed) {
  const Json paths = document().at("paths");
  const Json cluster = paths.at("/api/v1/cluster").at("get").at("responses").at("200");
  EXPECT_TRUE(cluster.at("content").at("application/json").at("schema").at("properties").contains("nodes"));
  for (const char* path : {"/api/v1/queues", "/api/v1/actors"}) {
    EXPECT_EQ(paths.at(path).at("get").at("parameters").at(0).at("name"), "scope") << path;
  }
}

}  // namespace
}  // namespace pledge::server
