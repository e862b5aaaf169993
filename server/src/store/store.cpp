#include "pledge/server/store/store.h"
#include "pledge/server/store/task_state.h"

#include "pledge/text.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "pledge/error.h"
#include "pledge/server/store/pg_store.h"
#include "pledge/server/store/sqlite_store.h"

namespace pledge::server {

bool Store::canPipeline(const WriteBatch&) { return false; }

void Store::sendCommit(const WriteBatch&) {
  throw Error(ErrorCode::Internal, "this store does not pipeline its commits");
}

std::optional<EventAnswers> Store::awaitCommit() {
  throw Error(ErrorCode::Internal, "this store does not pipeline its commits");
}

bool PartitionSet::contains(int partition) const {
  return everything || std::find(list.begin(), list.end(), partition) != list.end();
}

std::string encodeProcessCursor(std::int64_t startedAt, const Uuid& id) {
  return fmt::format("{}_{}", startedAt, id.toString());
}

std::pair<std::int64_t, Uuid> decodeProcessCursor(const std::string& cursor) {
  auto separator = cursor.find('_');
  std::int64_t startedAt = 0;
  std::optional<Uuid> id;
  if (separator != std::string::npos) {
    auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + separator, startedAt);
    if (ec == std::errc() && end == cursor.data() + separator) {
      id = Uuid::parse(std::string_view(cursor).substr(separator + 1));
    }
  }
  PLEDGE_REQUIRE(id.has_value(), "cursor: \"{}\" is not a cursor this server made; pass the "
                 "\"next\" of the previous page", quoteInput(cursor));
  return {startedAt, *id};
}

std::unique_ptr<Store> openStore(const std::string& url, int partitions) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    return std::make_unique<SqliteStore>(url.substr(kSqlite.size()), partitions);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return std::make_unique<PgStore>(url, partitions);
  }
  throw Error(ErrorCode::BadRequest,
              "--store " + url + ": unknown store URL; use sqlite:<data dir> or "
              "postgresql://user@host:port/database");
}

std::string_view taskStateName(TaskState state) {
  switch (state) {
    case TaskState::Waiting: return "waiting";
    case TaskState::Scheduled: return "scheduled";
    case TaskState::Ready: return "ready";
    case TaskState::Leased: return "running";
    case TaskState::Completed: return "completed";
    case TaskState::Failed: return "failed";
    case TaskState::Cancelled: return "cancelled";
    case TaskState::Listening: return "listening";
  }
  return "unknown";
}

bool isLive(TaskState state) {
  return state == TaskState::Waiting || state == TaskState::Scheduled ||
         state == TaskState::Ready || state == TaskState::Leased ||
         state == TaskState::Listening;
}

std::string_view promiseStateName(PromiseState state) {
  switch (state) {
    case PromiseState::Pending: return "pending";
    case PromiseState::Resolved: return "resolved";
    case PromiseState::Failed: return "failed";
  }
  return "unknown";
}

}  // namespace pledge::server
