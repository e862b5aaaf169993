// PgStore's limits (docs/operations.md, "Limits"): set on the lease connection (a rare, small
// write beside the commits), read on the reader. A bound that is not set is NULL.
#include <pqxx/pqxx>

#include "pledge/server/store/pg_store.h"
#include "store/pg_session.h"

namespace pledge::server {
namespace {

template <typename T>
std::optional<T> optionalField(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

}  // namespace

void PgStore::setLimit(const TaskLimit& limit) {
  leases_->write("set limit", true,
                 "INSERT INTO limits (actor, task_list, max_running, per_second, burst) "
                 "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (actor, task_list) DO UPDATE SET "
                 "max_running = excluded.max_running, per_second = excluded.per_second, "
                 "burst = excluded.burst",
                 limit.actor, limit.taskList, limit.maxRunning, limit.perSecond, limit.burst);
}

bool PgStore::deleteLimit(const std::string& actor, const std::string& taskList) {
  return leases_
             ->write("delete limit", true, "DELETE FROM limits WHERE actor = $1 AND task_list = $2",
                     actor, taskList)
             .affected_rows() > 0;
}

std::vector<TaskLimit> PgStore::limits() {
  return reader_->run("read limits", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::vector<TaskLimit> limits;
    for (const auto& row : tx.exec("SELECT actor, task_list, max_running, per_second, burst "
                                   "FROM limits ORDER BY actor, task_list")) {
      limits.push_back(TaskLimit{.actor = row[0].as<std::string>(),
                                 .taskList = row[1].as<std::string>(),
                                 .maxRunning = optionalField<std::int64_t>(row[2]),
                                 .perSecond = optionalField<double>(row[3]),
                                 .burst = optionalField<std::int64_t>(row[4])});
    }
    return limits;
  });
}

}  // namespace pledge::server
