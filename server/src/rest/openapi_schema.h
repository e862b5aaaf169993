// Builders of the JSON Schema objects the OpenAPI document is written with, and the document's
// component schemas (StartRequest, Process, Decision, ...). Private to rest/ (openapi.cpp).
//
//   Json page = object({{"items", arrayOf(ref("Process"))}, {"next", nullable(text())}});
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pledge/json.h"

namespace pledge::server::openapi {

// {"$ref": "#/components/schemas/<schema>"}
Json ref(std::string_view schema);
Json text();
Json uuid();
Json integer();
Json int64();
Json number();
Json boolean();
// Any JSON value: {}.
Json anyValue();
// A string that is one of values.
Json textOneOf(std::vector<std::string> values);
Json arrayOf(Json items);
Json object(Json properties);
Json object(std::vector<std::string> required, Json properties);
// schema with the fields of more added ({"maxItems": 1000}, ...).
Json with(Json schema, const Json& more);
Json nullable(Json schema);
Json described(Json schema, std::string_view description);

// components/schemas of the document, before addLimits adds the limits to them.
Json componentSchemas();

// The schedules' schemas and operations (openapi_schedules.cpp): {name: schema} and
// {path: {method: operation}}.
Json scheduleSchemas();
Json scheduleOperations();

}  // namespace pledge::server::openapi
