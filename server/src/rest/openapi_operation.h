// What openapi.cpp and the files beside it describe operations with: the Operation of one
// method on one path, and the answers and parameters they share. Private to rest/.
//
//   Operation{"GET", "/api/v1/limits", "Limits", {scopeParameter()}, nullptr,
//             {{"200", answer("Limits", arrayOf(ref("LimitView")))}}};
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rest/openapi_schema.h"

namespace pledge::server::openapi {

inline Json errorAnswer() { return {{"$ref", "#/components/responses/Error"}}; }
// An answer with a JSON body.
inline Json answer(std::string_view description, Json schema) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}
// An answer without a body.
inline Json answer(std::string_view description) { return {{"description", description}}; }

inline Json queryParameter(std::string_view name, Json schema) {
  return {{"name", name}, {"in", "query"}, {"schema", std::move(schema)}};
}
inline Json parameterRef(std::string_view name) {
  return {{"$ref", "#/components/parameters/" + std::string(name)}};
}
inline Json scopeParameter() {
  return with(
      queryParameter("scope", textOneOf({"local"})),
      {{"required", false},
       {"description", "local: this node only; otherwise the sum over the cluster's nodes"}});
}

// One operation: a method on a path template, as RestApi's routes write them.
struct Operation {
  std::string method;  // "GET", "POST"
  std::string path;
  std::string summary;
  std::vector<Json> parameters;
  // The schema of the JSON body it requires; null when it takes none.
  Json requestBody;
  // Status, answer; addLimits adds the 400, 413, 429 and 503 every operation may meet.
  std::vector<std::pair<std::string, Json>> responses;
};

// The operations of queues, actors, limits, the cluster, retention, the caller, this document
// and metrics (openapi_service.cpp).
std::vector<Operation> serviceOperations();

}  // namespace pledge::server::openapi
