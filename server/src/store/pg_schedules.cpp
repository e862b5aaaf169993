// PgStore's schedules (docs/operations.md "Schedules"): written on the lease connection (rare,
// small writes beside the commits), read on the reader. Every update is a compare and set on the
// row's revision, so nodes that both believe they own a schedule never both advance it.
#include <fmt/format.h>

#include <pqxx/pqxx>

#include "pledge/server/store/pg_store.h"
#include "store/pg_rows.h"
#include "store/pg_session.h"
#include "store/stored_rows.h"

namespace pledge::server {
namespace {

// NULL is passed as -1 (times) or "" (the process id): the columns never hold those.
std::int64_t orNone(const std::optional<std::int64_t>& value) { return value.value_or(-1); }
std::string orNone(const std::optional<Uuid>& id) { return id ? id->toString() : std::string(); }

// $2 to $9 as SELECT kScheduleColumns lists the columns after id.
constexpr const char* kStateValues =
    "$2, $3, $4, NULLIF($5::bigint, -1), NULLIF($6::bigint, -1), NULLIF($7::text, '')::uuid, "
    "NULLIF($8::bigint, -1), $9";

std::optional<ScheduleRow> findIn(pqxx::transaction_base& tx, const std::string& id) {
  pqxx::result found = tx.exec_params(
      fmt::format("SELECT {} FROM schedules WHERE id = $1", rows::kScheduleColumns), id);
  if (found.empty()) return std::nullopt;
  return rows::readSchedule(pg::Fields(found[0]));
}

}  // namespace

std::optional<ScheduleRow> PgStore::insertSchedule(const ScheduleRow& row) {
  return leases_->run("create schedule", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    pqxx::result inserted = tx.exec_params(
        fmt::format("INSERT INTO schedules ({}) VALUES ($1, {}, 1) ON CONFLICT (id) DO NOTHING "
                    "RETURNING id",
                    rows::kScheduleColumns, kStateValues),
        row.id, row.definition, row.paused ? 1 : 0, row.createdAt, orNone(row.nextFireAt),
        orNone(row.lastFireAt), orNone(row.lastProcessId), orNone(row.bufferedFireAt), row.recent);
    std::optional<ScheduleRow> existing;
    if (inserted.empty()) existing = findIn(tx, row.id);
    tx.commit();
    return existing;
  });
}

bool PgStore::updateSchedule(const ScheduleRow& row) {
  return leases_->run("update schedule", false, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    pqxx::result updated = tx.exec_params(
        fmt::format("UPDATE schedules SET (definition, paused, created_at, next_fire_at, "
                    "last_fire_at, last_process_id, buffered_fire_at, recent, revision) = "
                    "({}, revision + 1) WHERE id = $1 AND revision = $10",
                    kStateValues),
        row.id, row.definition, row.paused ? 1 : 0, row.createdAt, orNone(row.nextFireAt),
        orNone(row.lastFireAt), orNone(row.lastProcessId), orNone(row.bufferedFireAt), row.recent,
        row.revision);
    tx.commit();
    return updated.affected_rows() == 1;
  });
}

std::optional<ScheduleRow> PgStore::findSchedule(const std::string& id) {
  return reader_->run("read schedule", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return findIn(tx, id);
  });
}

std::vector<ScheduleRow> PgStore::listSchedules() {
  return reader_->run("list schedules", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::vector<ScheduleRow> schedules;
    for (const auto& row :
         tx.exec(fmt::format("SELECT {} FROM schedules ORDER BY id", rows::kScheduleColumns))) {
      schedules.push_back(rows::readSchedule(pg::Fields(row)));
    }
    return schedules;
  });
}

bool PgStore::deleteSchedule(const std::string& id) {
  return leases_->write("delete schedule", true, "DELETE FROM schedules WHERE id = $1", id)
             .affected_rows() == 1;
}

}  // namespace pledge::server
