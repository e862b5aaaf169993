#include "store/sqlite_events.h"

#include "store/sqlite_connection.h"

namespace pledge::server::sqlite {
namespace {

// The statements one commit's event operations use, prepared when it has some.
struct EventStatements {
  explicit EventStatements(sqlite3* db)
      : deliveryOf(db, "SELECT name, payload FROM event_deliveries WHERE task_id = ?1"),
        oldestKept(db,
                   "SELECT seq, payload FROM kept_events WHERE name = ?1 AND kept_until > ?4 AND "
                   "((process_id IS NULL AND key = ?2) OR "
                   "(process_id = ?3 AND (key = '' OR key = ?2))) ORDER BY seq LIMIT 1"),
        deleteKept(db, "DELETE FROM kept_events WHERE seq = ?1"),
        insertDelivery(db,
                       "INSERT OR IGNORE INTO event_deliveries "
                       "(task_id, process_id, partition, name, payload) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)"),
        insertWait(db,
                   "INSERT OR IGNORE INTO event_waits (task_id, process_id, partition, name, key) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)"),
        deleteWait(db, "DELETE FROM event_waits WHERE task_id = ?1"),
        deleteDelivery(db, "DELETE FROM event_deliveries WHERE task_id = ?1"),
        waitersOfKey(db,
                     "SELECT task_id, process_id, partition FROM event_waits "
                     "WHERE name = ?1 AND key = ?2 ORDER BY rowid"),
        waitersOfProcess(db,
                         "SELECT task_id, process_id, partition FROM event_waits "
                         "WHERE process_id = ?3 AND name = ?1 AND (?2 = '' OR key = ?2) "
                         "ORDER BY rowid"),
        findId(db, "SELECT name, key, resolved, kept FROM event_ids WHERE id = ?1"),
        insertId(db,
                 "INSERT INTO event_ids (id, name, key, resolved, kept, at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        insertKept(db,
                   "INSERT INTO kept_events "
                   "(name, key, event_id, process_id, payload, kept_at, kept_until) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)") {}

  Statement deliveryOf;
  Statement oldestKept;
  Statement deleteKept;
  Statement insertDelivery;
  Statement insertWait;
  Statement deleteWait;
  Statement deleteDelivery;
  Statement waitersOfKey;
  Statement waitersOfProcess;
  Statement findId;
  Statement insertId;
  Statement insertKept;
};

std::optional<EventGot> deliveryOf(EventStatements& s, const Uuid& taskId) {
  ResetOnExit reset(s.deliveryOf);
  s.deliveryOf.bind(1, taskId);
  if (!s.deliveryOf.step()) return std::nullopt;
  return EventGot{s.deliveryOf.text(0), s.deliveryOf.text(1)};
}

// The task gets the event: it waits no more (for any of its names) and has a delivery.
void deliver(EventStatements& s, const EventDeliveryRow& row) {
  s.deleteWait.bind(1, row.taskId).run();
  s.insertDelivery.bind(1, row.taskId)
      .bind(2, row.processId)
      .bind(3, std::int64_t{row.partition})
      .bind(4, row.name)
      .bind(5, row.payload)
      .run();
}

std::optional<EventGot> claim(EventStatements& s, const EventClaim& claim, std::int64_t now) {
  if (auto delivered = deliveryOf(s, claim.taskId)) return delivered;
  // The oldest kept event of any of its names.
  struct Kept {
    std::int64_t seq;
    std::string name;
    std::string payload;
  };
  std::optional<Kept> kept;
  for (const std::string& name : claim.names) {
    ResetOnExit reset(s.oldestKept);
    s.oldestKept.bind(1, name).bind(2, claim.key).bind(3, claim.processId).bind(4, now);
    if (s.oldestKept.step() && (!kept || s.oldestKept.integer(0) < kept->seq)) {
      kept = Kept{s.oldestKept.integer(0), name, s.oldestKept.text(1)};
    }
  }
  if (kept) {
    s.deleteKept.bind(1, kept->seq).run();
    deliver(s, {claim.taskId, claim.processId, claim.partition, kept->name, kept->payload});
    return EventGot{kept->name, kept->payload};
  }
  for (const std::string& name : claim.names) {
    s.insertWait.bind(1, claim.taskId)
        .bind(2, claim.processId)
        .bind(3, std::int64_t{claim.partition})
        .bind(4, name)
        .bind(5, claim.key)
        .run();
  }
  return std::nullopt;
}

EventDelivery send(EventStatements& s, const EventSend& send,
                   std::vector<EventDeliveryRow>& deliveries) {
  const Event& event = send.event;
  EventDelivery answer{event.name, event.key, event.id};
  if (event.id) {
    ResetOnExit reset(s.findId);
    s.findId.bind(1, *event.id);
    if (s.findId.step()) {
      answer.name = s.findId.text(0);
      answer.key = s.findId.text(1);
      answer.resolved = static_cast<int>(s.findId.integer(2));
      answer.kept = s.findId.integer(3) != 0;
      answer.duplicate = true;
      return answer;
    }
  }
  const std::string payload = event.payload.dump();
  std::vector<EventDeliveryRow> found;
  {
    Statement& select = send.processId ? s.waitersOfProcess : s.waitersOfKey;
    ResetOnExit reset(select);
    select.bind(1, event.name).bind(2, event.key);
    if (send.processId) select.bind(3, *send.processId);
    while (select.step()) {
      found.push_back({*select.uuid(0), *select.uuid(1), static_cast<int>(select.integer(2)),
                       event.name, payload});
    }
  }
  for (const EventDeliveryRow& row : found) deliver(s, row);
  answer.resolved = static_cast<int>(found.size());
  if (found.empty() && send.keptUntil > send.now) {
    Statement& insert = s.insertKept;
    insert.bind(1, event.name).bind(2, event.key);
    if (event.id) {
      insert.bind(3, *event.id);
    } else {
      insert.bindNull(3);
    }
    insert.bind(4, send.processId).bind(5, payload).bind(6, send.now).bind(7, send.keptUntil);
    insert.run();
    answer.kept = true;
  }
  if (event.id) {
    s.insertId.bind(1, *event.id)
        .bind(2, event.name)
        .bind(3, event.key)
        .bind(4, std::int64_t{answer.resolved})
        .bind(5, std::int64_t{answer.kept ? 1 : 0})
        .bind(6, send.now)
        .run();
  }
  deliveries.insert(deliveries.end(), found.begin(), found.end());
  return answer;
}

}  // namespace

EventAnswers applyEventOps(sqlite3* db, const EventOps& ops) {
  EventAnswers answers;
  if (ops.empty()) return answers;
  EventStatements s(db);
  for (const EventClaim& one : ops.claims) answers.claims.push_back(claim(s, one, ops.now));
  for (const EventSend& one : ops.sends) answers.sends.push_back(send(s, one, answers.deliveries));
  for (const Uuid& taskId : ops.timeouts) {
    // A delivery that came first wins; else the task stops waiting.
    std::optional<EventGot> delivered = deliveryOf(s, taskId);
    if (!delivered) s.deleteWait.bind(1, taskId).run();
    answers.timeouts.push_back(std::move(delivered));
  }
  for (const Uuid& taskId : ops.ended) {
    s.deleteWait.bind(1, taskId).run();
    s.deleteDelivery.bind(1, taskId).run();
  }
  return answers;
}

std::vector<EventDeliveryRow> pendingDeliveries(sqlite3* db, const PartitionSet& partitions,
                                                int limit) {
  Statement select(db,
                   "SELECT task_id, process_id, partition, name, payload FROM event_deliveries "
                   "ORDER BY partition");
  std::vector<EventDeliveryRow> rows;
  while (static_cast<int>(rows.size()) < limit && select.step()) {
    int partition = static_cast<int>(select.integer(2));
    if (!partitions.contains(partition)) continue;
    rows.push_back({*select.uuid(0), *select.uuid(1), partition, select.text(3), select.text(4)});
  }
  return rows;
}

std::vector<KeptEvent> keptEvents(sqlite3* db, const std::optional<std::string>& name,
                                  std::int64_t now, int limit) {
  Statement select(db,
                   "SELECT name, key, event_id, process_id, payload, kept_at, kept_until "
                   "FROM kept_events WHERE (?1 IS NULL OR name = ?1) AND kept_until > ?2 "
                   "ORDER BY seq LIMIT ?3");
  if (name) {
    select.bind(1, *name);
  } else {
    select.bindNull(1);
  }
  select.bind(2, now).bind(3, std::int64_t{limit});
  std::vector<KeptEvent> events;
  while (select.step()) {
    KeptEvent event;
    event.name = select.text(0);
    event.key = select.text(1);
    if (!select.isNull(2)) event.id = select.text(2);
    event.processId = select.uuid(3);
    event.payload = select.text(4);
    event.keptAt = select.integer(5);
    event.keptUntil = select.integer(6);
    events.push_back(std::move(event));
  }
  return events;
}

std::int64_t expireEvents(sqlite3* db, std::int64_t now, std::int64_t idsBefore) {
  Statement expire(db, "DELETE FROM kept_events WHERE kept_until <= ?1");
  expire.bind(1, now).run();
  const std::int64_t expired = sqlite3_changes(db);
  Statement forget(db, "DELETE FROM event_ids WHERE at < ?1");
  forget.bind(1, idsBefore).run();
  return expired;
}

}  // namespace pledge::server::sqlite
