#include "store/schema_checks.h"

#include <fmt/format.h>

#include "pledge/error.h"

namespace pledge::server {

void requireKnownSchema(int stored, int known, std::string_view database) {
  if (stored <= known) return;
  throw Error(ErrorCode::Internal,
              fmt::format("{} has schema version {}, newer than this pledge-server ({}); use a "
                          "newer build",
                          database, stored, known));
}

void requireStoredPartitions(int stored, int asked, std::string_view database) {
  if (stored == asked) return;
  throw Error(ErrorCode::Internal,
              fmt::format("{} holds {} partitions but {} were asked for; the partition count is "
                          "stored with the data and changing it is an explicit migration (start "
                          "with --partitions {})",
                          database, stored, asked, stored));
}

}  // namespace pledge::server
