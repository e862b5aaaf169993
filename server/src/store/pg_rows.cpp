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

// Not "column = ANY($1)": until a table's first ANALYZE, PostgreSQL guesses that a key matches
// 0.5% of the rows, so a batch of 200 keys matched all of them and it read the whole table on
// every batched start (3.8 ms a call at 50,000 processes, and growing with the table) instead
// of probing the index 200 times (0.24 ms).
std::string startsBy(std::string_view column) {
  return fmt::format(
      "SELECT p.{0}, p.id, p.start_task FROM unnest($1::text[]) AS k(key) CROSS JOIN LATERAL "
      "(SELECT {0}, id, start_task FROM processes WHERE {0} = k.key LIMIT 1) AS p",
      column);
}

std::string intArray(const std::vector<int>& values) {
  return fmt::format("{{{}}}", fmt::join(values, ","));
}

std::string partitionFilter(std::string_view alias, const PartitionSet& partitions) {
  if (partitions.everything) return "";
  return fmt::format(" AND {}partition = ANY('{}'::int[])", alias, intArray(partitions.list));
}

}  // namespace pledge::server::pg
