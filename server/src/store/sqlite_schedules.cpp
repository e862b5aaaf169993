// SqliteStore's schedules (docs/operations.md "Schedules"): written on the writer connection
// (under writeMutex_), read on the reader (under readMutex_). Every update is a compare and set
// on the row's revision.
#include <fmt/format.h>

#include "pledge/server/store/sqlite_store.h"
#include "store/sqlite_connection.h"
#include "store/stored_rows.h"

namespace pledge::server {
namespace {

using sqlite::Statement;

// Binds the row's columns after id (?2 to ?9) as SELECT kScheduleColumns lists them.
Statement& bindState(Statement& statement, const ScheduleRow& row) {
  auto bindOptional = [&](int index, const std::optional<std::int64_t>& value) {
    if (value) {
      statement.bind(index, *value);
    } else {
      statement.bindNull(index);
    }
  };
  statement.bind(2, row.definition).bind(3, std::int64_t{row.paused ? 1 : 0});
  statement.bind(4, row.createdAt);
  bindOptional(5, row.nextFireAt);
  bindOptional(6, row.lastFireAt);
  statement.bind(7, row.lastProcessId);
  bindOptional(8, row.bufferedFireAt);
  return statement.bind(9, row.recent);
}

std::optional<ScheduleRow> findOn(sqlite3* db, const std::string& id) {
  Statement query(db,
                  fmt::format("SELECT {} FROM schedules WHERE id = ?1", rows::kScheduleColumns));
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return rows::readSchedule(query);
}

}  // namespace

std::optional<ScheduleRow> SqliteStore::insertSchedule(const ScheduleRow& row) {
  std::lock_guard lock(writeMutex_);
  Statement insert(writer_, fmt::format("INSERT INTO schedules ({}) VALUES "
                                        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1) "
                                        "ON CONFLICT (id) DO NOTHING",
                                        rows::kScheduleColumns));
  bindState(insert.bind(1, row.id), row).run();
  if (sqlite3_changes(writer_) == 1) return std::nullopt;
  return findOn(writer_, row.id);
}

bool SqliteStore::updateSchedule(const ScheduleRow& row) {
  std::lock_guard lock(writeMutex_);
  Statement update(writer_,
                   "UPDATE schedules SET definition = ?2, paused = ?3, created_at = ?4, "
                   "next_fire_at = ?5, last_fire_at = ?6, last_process_id = ?7, "
                   "buffered_fire_at = ?8, recent = ?9, revision = revision + 1 "
                   "WHERE id = ?1 AND revision = ?10");
  bindState(update.bind(1, row.id), row).bind(10, row.revision).run();
  return sqlite3_changes(writer_) == 1;
}

std::optional<ScheduleRow> SqliteStore::findSchedule(const std::string& id) {
  std::lock_guard lock(readMutex_);
  return findOn(reader_, id);
}

std::vector<ScheduleRow> SqliteStore::listSchedules() {
  std::lock_guard lock(readMutex_);
  Statement query(reader_,
                  fmt::format("SELECT {} FROM schedules ORDER BY id", rows::kScheduleColumns));
  std::vector<ScheduleRow> schedules;
  while (query.step()) schedules.push_back(rows::readSchedule(query));
  return schedules;
}

bool SqliteStore::deleteSchedule(const std::string& id) {
  std::lock_guard lock(writeMutex_);
  Statement remove(writer_, "DELETE FROM schedules WHERE id = ?1");
  remove.bind(1, id).run();
  return sqlite3_changes(writer_) == 1;
}

}  // namespace pledge::server
