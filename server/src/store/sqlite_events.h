// The event operations of a SqliteStore commit (docs/events.md), run inside its transaction on
// the writer connection. SQLite has one writer, so they need no lock of their own. Private to
// store/.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pledge/server/store/store.h"

namespace pledge::server::sqlite {

EventAnswers applyEventOps(sqlite3* db, const EventOps& ops);
std::vector<EventDeliveryRow> pendingDeliveries(sqlite3* db, const PartitionSet& partitions,
                                                int limit);
std::vector<KeptEvent> keptEvents(sqlite3* db, const std::optional<std::string>& name,
                                  std::int64_t now, int limit);
// Under the caller's transaction.
std::int64_t expireEvents(sqlite3* db, std::int64_t now, std::int64_t idsBefore);

}  // namespace pledge::server::sqlite
