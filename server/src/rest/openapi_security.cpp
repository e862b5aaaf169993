// The security of the OpenAPI document, from the route access table (access.cpp): every
// operation states the roles that may use it (x-pledge-roles) and whether it needs a token, and
// may answer 401 and 403.
#include <algorithm>
#include <cctype>
#include <string>

#include "rest/routes.h"

namespace pledge::server {

void addSecurity(Json& doc) {
  doc["components"]["securitySchemes"]["bearerToken"] = {
      {"type", "http"},
      {"scheme", "bearer"},
      {"description",
       "An API token (pledge-server token create). A server without tokens is open to whoever "
       "reaches it and listens on loopback only."}};
  for (auto& [path, operations] : doc["paths"].items()) {
    for (auto& [method, operation] : operations.items()) {
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      const Access access = routeAccess(upper, path);
      Json roles = Json::array();
      for (Role role : rolesFor(access)) roles.push_back(roleName(role));
      operation["x-pledge-access"] = accessName(access);
      operation["x-pledge-roles"] = std::move(roles);
      if (access == Access::Public) {
        operation["security"] = Json::array();
        continue;
      }
      operation["security"] = Json::array({{{"bearerToken", Json::array()}}});
      Json& responses = operation["responses"];
      for (const char* status : {"401", "403"}) {
        if (!responses.contains(status)) {
          responses[status] = {{"$ref", "#/components/responses/Error"}};
        }
      }
    }
  }
}

}  // namespace pledge::server
