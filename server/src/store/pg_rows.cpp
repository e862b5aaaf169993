#include "store/pg_rows.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pledge::server::pg {

std::optional<Uuid> uuidOf(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return Uuid::parse(field.c_str());
}

std::string textOf(const pqxx::field& field) {
  return field.is_null() ? std::string() : field.c_str();
}

std::string intArray(const std::vector<int>& values) {
  return fmt::format("{{{}}}", fmt::join(values, ","));
}

std::string partitionFilter(std::string_view alias, const PartitionSet& partitions) {
  if (partitions.everything) return "";
  return fmt::format(" AND {}partition = ANY('{}'::int[])", alias, intArray(partitions.list));
}

}  // namespace pledge::server::pg
