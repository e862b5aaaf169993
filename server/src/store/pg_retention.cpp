// PgStore's part of retention (docs/operations.md "Retention"): finding ended processes by when
// they ended (process_ends, on the reader connection) and deleting them with what belongs to
// them (rows::kRowsOfAProcess, and their rows of pg_process_lists.h) in one transaction per
// batch, on the connection of the other small writes, so that the group commits of the engine
// do not wait for it.
#include <fmt/format.h>

#include <pqxx/pqxx>

#include "pledge/server/store/pg_store.h"
#include "store/pg_journal.h"
#include "store/pg_rows.h"
#include "store/pg_session.h"

namespace pledge::server {

using pg::ArrayLiteral;
using pg::partitionFilter;

std::vector<EndedProcess> PgStore::endedBefore(std::int64_t cutoff, int limit,
                                               const PartitionSet& partitions) {
  return reader_->run("find ended processes", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::vector<ProcessRow> processes;
    ArrayLiteral ids;
    // The ended processes by when they ended: process_ends (pg_process_lists.h).
    for (const auto& row : tx.exec_params(
             fmt::format("SELECT {} FROM process_ends e JOIN processes p ON p.id = e.id WHERE "
                         "e.ended_at < $1{} AND {} ORDER BY e.ended_at, e.id LIMIT $2",
                         rows::qualified(pg::kProcessColumns, "p"),
                         partitionFilter("e.", partitions), rows::endedCondition("p.")),
             cutoff, limit)) {
      processes.push_back(pg::readProcess(row));
      ids.add(processes.back().info.processId);
    }
    std::vector<TaskRow> tasks;
    if (!processes.empty()) tasks = pg::tasksOf(tx, ids.str(), nullptr);
    return rows::pairEnded(std::move(processes), std::move(tasks));
  });
}

DeletedRows PgStore::deleteEnded(const std::vector<Uuid>& ids) {
  DeletedRows deleted;
  if (ids.empty()) return deleted;
  ArrayLiteral wanted;
  for (const Uuid& id : ids) wanted.add(id);
  return leases_->run("delete ended processes", false, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    ArrayLiteral gone;
    // The rows of the two lists (pg_process_lists.h), found by their keys.
    ArrayLiteral endedAt;
    ArrayLiteral states;
    ArrayLiteral startedAt;
    DeletedRows removed;
    for (const auto& row : tx.exec_params(
             fmt::format("DELETE FROM processes WHERE id = ANY($1::uuid[]) AND {} RETURNING id, "
                         "coalesce(ended_at, started_at), state, started_at",
                         rows::endedCondition("")),
             wanted.str())) {
      gone.add(*pg::uuidOf(row[0]));
      endedAt.add(row[1].as<std::int64_t>());
      states.add(row[2].as<std::int64_t>());
      startedAt.add(row[3].as<std::int64_t>());
      ++removed.processes;
    }
    if (removed.processes > 0) {
      tx.exec_params("DELETE FROM process_ends e USING unnest($1::bigint[], $2::uuid[]) AS "
                     "u(ended_at, id) WHERE e.ended_at = u.ended_at AND e.id = u.id",
                     endedAt.str(), gone.str());
      tx.exec_params("DELETE FROM process_states s USING unnest($1::int[], $2::bigint[], "
                     "$3::uuid[]) AS u(state, started_at, id) WHERE s.state = u.state AND "
                     "s.started_at = u.started_at AND s.id = u.id",
                     states.str(), startedAt.str(), gone.str());
      // task_ids is keyed by task only: the processes' records name their tasks.
      const std::vector<TaskRow> tasks = pg::tasksOf(tx, gone.str(), nullptr);
      ArrayLiteral taskIds;
      for (const TaskRow& task : tasks) taskIds.add(task.id);
      removed.tasks += static_cast<std::int64_t>(
          tx.exec_params("DELETE FROM task_ids WHERE id = ANY($1::uuid[])", taskIds.str())
              .affected_rows());
      for (const rows::OwnedRows& table : rows::kRowsOfAProcess) {
        tx.exec_params(rows::deleteOwnedRows(table, "= ANY($1::uuid[])"), gone.str());
      }
    }
    tx.commit();
    return removed;
  });
}

std::optional<std::int64_t> PgStore::oldestEnded(const PartitionSet& partitions) {
  return reader_->run("find the oldest ended process", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    pqxx::result oldest = tx.exec(
        fmt::format("SELECT e.ended_at FROM process_ends e WHERE true{} ORDER BY e.ended_at "
                    "LIMIT 1",
                    partitionFilter("e.", partitions)));
    if (oldest.empty()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(oldest[0][0].as<std::int64_t>());
  });
}

}  // namespace pledge::server
