// SqliteStore's limits (docs/operations.md, "Limits"): set on the writer connection (under
// writeMutex_), read on the reader (under readMutex_). A bound that is not set is NULL.
#include "pledge/server/store/sqlite_store.h"
#include "store/sqlite_connection.h"

namespace pledge::server {

using sqlite::Statement;

namespace {

template <typename T>
void bindOptional(Statement& statement, int index, const std::optional<T>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bindNull(index);
  }
}

}  // namespace

void SqliteStore::setLimit(const TaskLimit& limit) {
  std::lock_guard lock(writeMutex_);
  Statement upsert(writer_,
                   "INSERT INTO limits (actor, task_list, max_running, per_second, burst) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (actor, task_list) DO UPDATE SET "
                   "max_running = excluded.max_running, per_second = excluded.per_second, "
                   "burst = excluded.burst");
  upsert.bind(1, limit.actor).bind(2, limit.taskList);
  bindOptional(upsert, 3, limit.maxRunning);
  bindOptional(upsert, 4, limit.perSecond);
  bindOptional(upsert, 5, limit.burst);
  upsert.run();
}

bool SqliteStore::deleteLimit(const std::string& actor, const std::string& taskList) {
  std::lock_guard lock(writeMutex_);
  Statement remove(writer_, "DELETE FROM limits WHERE actor = ?1 AND task_list = ?2");
  remove.bind(1, actor).bind(2, taskList).run();
  return sqlite3_changes(writer_) > 0;
}

std::vector<TaskLimit> SqliteStore::limits() {
  std::lock_guard lock(readMutex_);
  Statement query(reader_,
                  "SELECT actor, task_list, max_running, per_second, burst FROM limits "
                  "ORDER BY actor, task_list");
  std::vector<TaskLimit> limits;
  while (query.step()) {
    TaskLimit& limit = limits.emplace_back();
    limit.actor = query.text(0);
    limit.taskList = query.text(1);
    if (!query.isNull(2)) limit.maxRunning = query.integer(2);
    if (!query.isNull(3)) limit.perSecond = query.real(3);
    if (!query.isNull(4)) limit.burst = query.integer(4);
  }
  return limits;
}

}  // namespace pledge::server
