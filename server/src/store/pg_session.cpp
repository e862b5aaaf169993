#include "store/pg_session.h"

#include <fmt/format.h>

namespace pledge::server::pg {

bool needsNewConnection(const pqxx::sql_error& error) {
  const std::string& state = error.sqlstate();
  return state == "25006" || state.starts_with("57P") || state.starts_with("08");
}

[[noreturn]] void rethrow(const std::string& what, const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    throw Error(ErrorCode::Unavailable,
                fmt::format("PostgreSQL: {}: connection lost: {}", what, error.what()));
  }
  throw Error(ErrorCode::Unavailable, fmt::format("PostgreSQL: {}: {}", what, error.what()));
}

void usePerExecutionPlans(pqxx::connection& connection) {
  if (connection.get_variable("plan_cache_mode") != "force_custom_plan") {
    connection.set_variable("plan_cache_mode", "force_custom_plan");
  }
}

}  // namespace pledge::server::pg
