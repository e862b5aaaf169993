// The event operations of a PgStore commit (docs/events.md), run inside its transaction. Nodes
// commit at once, so claims and sends first take transaction-scoped advisory locks of the
// (name, key) and (name, process) pairs they touch, all of a batch's in one sorted order (no
// deadlock between two batches); a time-out needs none (it deletes its own wait row, which a
// send deletes too: one of them wins). Private to store/.
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pledge/server/store/store.h"

namespace pledge::server::pg {

EventAnswers applyEventOps(pqxx::work& tx, const EventOps& ops);
std::vector<EventDeliveryRow> pendingDeliveries(pqxx::transaction_base& tx,
                                                const PartitionSet& partitions, int limit);
std::vector<KeptEvent> keptEvents(pqxx::transaction_base& tx,
                                  const std::optional<std::string>& name, std::int64_t now,
                                  int limit);
std::int64_t expireEvents(pqxx::work& tx, std::int64_t now, std::int64_t idsBefore);

}  // namespace pledge::server::pg
