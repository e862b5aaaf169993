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

}  // namespace pledge::server::pg
