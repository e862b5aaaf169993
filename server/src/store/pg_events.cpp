#include "store/pg_events.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/pg_rows.h"

namespace pledge::server::pg {
namespace {

// A lock key of a pair of texts: FNV-1a 64 of both, with a separator (stable across nodes).
std::int64_t lockKey(std::string_view kind, std::string_view a, std::string_view b) {
  std::uint64_t hash = 14695981039346656037ull;
  auto add = [&](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    hash ^= 0xff;
    hash *= 1099511628211ull;
  };
  add(kind);
  add(a);
  add(b);
  return static_cast<std::int64_t>(hash);
}

void lockPairs(pqxx::work& tx, const EventOps& ops) {
  std::vector<std::int64_t> keys;
  for (const EventClaim& claim : ops.claims) {
    for (const std::string& name : claim.names) {
      keys.push_back(lockKey("key", name, claim.key));
      keys.push_back(lockKey("process", name, claim.processId.toString()));
    }
  }
  for (const EventSend& send : ops.sends) {
    keys.push_back(send.processId ? lockKey("process", send.event.name, send.processId->toString())
                                  : lockKey("key", send.event.name, send.event.key));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.empty()) return;
  // One round trip; a function scan of unnest yields the (sorted) array in order.
  ArrayLiteral sorted;
  for (std::int64_t key : keys) sorted.add(key);
  tx.exec_params("SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k",
                 sorted.str());
}

std::optional<EventGot> deliveryOf(pqxx::work& tx, const Uuid& taskId) {
  pqxx::result found =
      tx.exec_params("SELECT name, payload FROM event_deliveries WHERE task_id = $1::uuid",
                     taskId.toString());
  if (found.empty()) return std::nullopt;
  return EventGot{found[0][0].as<std::string>(), found[0][1].as<std::string>()};
}

// The task gets the event: it waits no more (for any of its names) and has a delivery.
void deliver(pqxx::work& tx, const EventDeliveryRow& row) {
  tx.exec_params("DELETE FROM event_waits WHERE task_id = $1::uuid", row.taskId.toString());
  tx.exec_params(
      "INSERT INTO event_deliveries (task_id, process_id, partition, name, payload) "
      "VALUES ($1::uuid, $2::uuid, $3, $4, $5) ON CONFLICT (task_id) DO NOTHING",
      row.taskId.toString(), row.processId.toString(), row.partition, row.name, row.payload);
}

std::string textArray(const std::vector<std::string>& texts) {
  ArrayLiteral array;
  for (const std::string& text : texts) array.add(text);
  return array.str();
}

std::optional<EventGot> claim(pqxx::work& tx, const EventClaim& claim, std::int64_t now) {
  if (auto delivered = deliveryOf(tx, claim.taskId)) return delivered;
  const std::string names = textArray(claim.names);
  pqxx::result kept = tx.exec_params(
      "DELETE FROM kept_events WHERE seq = (SELECT seq FROM kept_events WHERE "
      "name = ANY($1::text[]) AND kept_until > $4 AND ((process_id IS NULL AND key = $2) OR "
      "(process_id = $3::uuid AND (key = '' OR key = $2))) ORDER BY seq LIMIT 1) "
      "RETURNING name, payload",
      names, claim.key, claim.processId.toString(), now);
  if (!kept.empty()) {
    EventGot got{kept[0][0].as<std::string>(), kept[0][1].as<std::string>()};
    deliver(tx, {claim.taskId, claim.processId, claim.partition, got.name, got.payload});
    return got;
  }
  tx.exec_params(
      "INSERT INTO event_waits (task_id, process_id, partition, name, key) "
      "SELECT $1::uuid, $2::uuid, $3, unnest($4::text[]), $5 ON CONFLICT DO NOTHING",
      claim.taskId.toString(), claim.processId.toString(), claim.partition, names, claim.key);
  return std::nullopt;
}

EventDelivery send(pqxx::work& tx, const EventSend& send,
                   std::vector<EventDeliveryRow>& deliveries) {
  const Event& event = send.event;
  EventDelivery answer{event.name, event.key, event.id};
  if (event.id) {
    pqxx::result seen = tx.exec_params(
        "SELECT name, key, resolved, kept FROM event_ids WHERE id = $1", *event.id);
    if (!seen.empty()) {
      answer.name = seen[0][0].as<std::string>();
      answer.key = seen[0][1].as<std::string>();
      answer.resolved = seen[0][2].as<int>();
      answer.kept = seen[0][3].as<bool>();
      answer.duplicate = true;
      return answer;
    }
  }
  const std::string payload = event.payload.dump();
  // Deleting the rows (not reading them) makes a concurrent time-out's delete find nothing.
  pqxx::result waiters =
      send.processId
          ? tx.exec_params(
                "DELETE FROM event_waits WHERE process_id = $3::uuid AND name = $1 AND "
                "($2 = '' OR key = $2) RETURNING task_id, process_id, partition, seq",
                event.name, event.key, send.processId->toString())
          : tx.exec_params(
                "DELETE FROM event_waits WHERE name = $1 AND key = $2 "
                "RETURNING task_id, process_id, partition, seq",
                event.name, event.key);
  std::vector<std::pair<std::int64_t, EventDeliveryRow>> ordered;
  for (const auto& row : waiters) {
    ordered.emplace_back(row[3].as<std::int64_t>(),
                         EventDeliveryRow{*uuidOf(row[0]), *uuidOf(row[1]), row[2].as<int>(),
                                          event.name, payload});
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<EventDeliveryRow> found;
  for (auto& [seq, row] : ordered) found.push_back(std::move(row));
  for (const EventDeliveryRow& row : found) deliver(tx, row);
  answer.resolved = static_cast<int>(found.size());
  if (found.empty() && send.keptUntil > send.now) {
    std::optional<std::string> processId;
    if (send.processId) processId = send.processId->toString();
    tx.exec_params(
        "INSERT INTO kept_events (name, key, event_id, process_id, payload, kept_at, kept_until) "
        "VALUES ($1, $2, $3, $4::uuid, $5, $6, $7)",
        event.name, event.key, event.id, processId, payload, send.now, send.keptUntil);
    answer.kept = true;
  }
  if (event.id) {
    tx.exec_params(
        "INSERT INTO event_ids (id, name, key, resolved, kept, at) VALUES ($1, $2, $3, $4, $5, "
        "$6)",
        *event.id, event.name, event.key, answer.resolved, answer.kept, send.now);
  }
  deliveries.insert(deliveries.end(), found.begin(), found.end());
  return answer;
}

}  // namespace

EventAnswers applyEventOps(pqxx::work& tx, const EventOps& ops) {
  EventAnswers answers;
  if (ops.empty()) return answers;
  lockPairs(tx, ops);
  for (const EventClaim& one : ops.claims) answers.claims.push_back(claim(tx, one, ops.now));
  for (const EventSend& one : ops.sends) answers.sends.push_back(send(tx, one, answers.deliveries));
  for (const Uuid& taskId : ops.timeouts) {
    // Whoever deletes the wait rows wins: this time-out, or a send (which made a delivery).
    pqxx::result removed = tx.exec_params(
        "DELETE FROM event_waits WHERE task_id = $1::uuid RETURNING 1", taskId.toString());
    answers.timeouts.push_back(removed.empty() ? deliveryOf(tx, taskId) : std::nullopt);
  }
  if (!ops.ended.empty()) {
    ArrayLiteral ids;
    for (const Uuid& taskId : ops.ended) ids.add(taskId);
    tx.exec_params("DELETE FROM event_waits WHERE task_id = ANY($1::uuid[])", ids.str());
    tx.exec_params("DELETE FROM event_deliveries WHERE task_id = ANY($1::uuid[])", ids.str());
  }
  return answers;
}

std::vector<EventDeliveryRow> pendingDeliveries(pqxx::transaction_base& tx,
                                                const PartitionSet& partitions, int limit) {
  std::vector<EventDeliveryRow> rows;
  for (const auto& row : tx.exec_params(
           fmt::format("SELECT task_id, process_id, partition, name, payload "
                       "FROM event_deliveries WHERE true{} LIMIT $1",
                       partitionFilter("", partitions)),
           limit)) {
    rows.push_back({*uuidOf(row[0]), *uuidOf(row[1]), row[2].as<int>(), row[3].as<std::string>(),
                    row[4].as<std::string>()});
  }
  return rows;
}

std::vector<KeptEvent> keptEvents(pqxx::transaction_base& tx,
                                  const std::optional<std::string>& name, std::int64_t now,
                                  int limit) {
  std::vector<KeptEvent> events;
  for (const auto& row : tx.exec_params(
           "SELECT name, key, event_id, process_id, payload, kept_at, kept_until FROM kept_events "
           "WHERE ($1::text IS NULL OR name = $1) AND kept_until > $2 ORDER BY seq LIMIT $3",
           name, now, limit)) {
    KeptEvent event;
    event.name = row[0].as<std::string>();
    event.key = row[1].as<std::string>();
    if (!row[2].is_null()) event.id = row[2].as<std::string>();
    event.processId = uuidOf(row[3]);
    event.payload = row[4].as<std::string>();
    event.keptAt = row[5].as<std::int64_t>();
    event.keptUntil = row[6].as<std::int64_t>();
    events.push_back(std::move(event));
  }
  return events;
}

std::int64_t expireEvents(pqxx::work& tx, std::int64_t now, std::int64_t idsBefore) {
  pqxx::result expired = tx.exec_params("DELETE FROM kept_events WHERE kept_until <= $1", now);
  tx.exec_params("DELETE FROM event_ids WHERE at < $1", idsBefore);
  return static_cast<std::int64_t>(expired.affected_rows());
}

}  // namespace pledge::server::pg
