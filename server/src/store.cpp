#include "pledge/server/store.h"

#include "pledge/error.h"
#include "pledge/server/sqlite_store.h"

namespace pledge::server {

std::unique_ptr<Store> openStore(const std::string& url, int partitions) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    return std::make_unique<SqliteStore>(url.substr(kSqlite.size()), partitions);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    throw Error(ErrorCode::BadRequest,
                "--store " + url + ": this build of pledge-server has no PostgreSQL store yet; use "
                "the embedded store (--data-dir DIR or --store sqlite:DIR)");
  }
  throw Error(ErrorCode::BadRequest,
              "--store " + url + ": unknown store URL; use sqlite:<data dir>");
}

}  // namespace pledge::server
