#include "pledge/server/store/pg_store.h"

#include <fmt/format.h>

#include <array>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <unordered_map>

#include "pledge/error.h"
#include "pledge/json.h"
#include "store/pg_migrations.h"
#include "store/pg_pipeline.h"
#include "pledge/server/store/journal.h"
#include "store/pg_binary_array.h"
#include "store/pg_commit.h"
#include "store/pg_events.h"
#include "store/pg_journal.h"
#include "store/pg_process_lists.h"
#include "store/pg_rows.h"
#include "store/pg_session.h"
#include "store/schema_checks.h"

namespace pledge::server {

using pg::kProcessColumns;
using pg::storedState;

std::string PgStore::redact(const std::string& url) {
  // scheme://user:password@host -> scheme://user:***@host
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

PgStore::PgStore(const std::string& url, int partitions) : url_(url) {
  try {
    auto connection = std::make_unique<pqxx::connection>(url);
    (void)connection;
  } catch (const std::exception& error) {
    throw Error(
        ErrorCode::Unavailable,
        fmt::format("cannot connect to PostgreSQL at {}: {}Check that the server runs, the "
                    "database exists (createdb) and the user may log in; the URL looks like "
                    "postgresql://user:password@host:5432/database",
                    redact(url), error.what()));
  }
  writer_ = std::make_unique<Session>(url);
  pipeline_ = std::make_unique<pg::PipelineConnection>(url);
  reader_ = std::make_unique<Session>(url);
  leases_ = std::make_unique<Session>(url);
  horizons_ = std::make_unique<pg::Horizons>();
  writer_->run("migrate", false, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    pg::applyMigrations(tx, url);
    pqxx::result stored = tx.exec("SELECT value FROM meta WHERE key = 'partitions'");
    if (stored.empty()) {
      partitions_ = partitions;
      tx.exec_params("INSERT INTO meta (key, value) VALUES ('partitions', $1)",
                     std::to_string(partitions));
      tx.exec_params("INSERT INTO partition_leases (partition) SELECT generate_series(0, $1 - 1)",
                     partitions);
      tx.exec(pg::kFirstHorizons);
    } else {
      partitions_ = std::stoi(stored[0][0].c_str());
    }
    pg::learnHorizons(tx, *horizons_, PartitionSet::all());
    tx.commit();
  });
  requireStoredPartitions(partitions_, partitions, redact(url));
  writer_->run("convert the tasks to the journal", false, pg::convertToJournal);
  snapshots_ = std::make_unique<journal::SnapshotCounter>();
}

PgStore::~PgStore() = default;

EventAnswers PgStore::commit(const WriteBatch& batch) { return write(batch, false); }

bool PgStore::canPipeline(const WriteBatch& batch) {
  // Event operations read what they change, a statement at a time (see write()).
  return !batch.empty() && batch.events.empty() && !pipeline_->syncDue();
}

void PgStore::sendCommit(const WriteBatch& batch) { write(batch, true); }

std::optional<EventAnswers> PgStore::awaitCommit() {
  try {
    if (!pipeline_->await(true)) return std::nullopt;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    pg::rethrow("commit", error);
  }
  return EventAnswers{};
}

void PgStore::interruptAwait() { pipeline_->interrupt(); }

EventAnswers PgStore::write(const WriteBatch& batch, bool pipelined) {
  if (batch.empty()) return {};
  EventAnswers answers;
  // Later rows of the same id win.
  // A row that was new stays an insert when later rows of the same id change it.
  std::map<Uuid, const ProcessRow*> processes;
  std::unordered_map<Uuid, bool> processIsNew;
  // The tags travel with the row that was new, like a task's spec.
  std::unordered_map<Uuid, const Tags*> processTags;
  for (const ProcessRow& row : batch.processes) {
    processIsNew[row.info.processId] = processIsNew[row.info.processId] || row.isNew;
    if (row.isNew) processTags[row.info.processId] = &row.info.tags;
    processes[row.info.processId] = &row;
  }
  std::set<int> written;
  for (const auto& [id, row] : processes) written.insert(row->partition);
  for (const TaskRow& row : batch.tasks) written.insert(row.partition);

  // Columns of the statements, one array each.
  using Type = pg::BinaryArray::Type;
  std::array<pg::BinaryArray, 17> newProcess{
      pg::BinaryArray(Type::Uuid), pg::BinaryArray(Type::Int4),  pg::BinaryArray(Type::Uuid),
      pg::BinaryArray(Type::Text), pg::BinaryArray(Type::Text),  pg::BinaryArray(Type::Text),
      pg::BinaryArray(Type::Int4), pg::BinaryArray(Type::Int8),  pg::BinaryArray(Type::Int8),
      pg::BinaryArray(Type::Text), pg::BinaryArray(Type::Text),  pg::BinaryArray(Type::Uuid),
      pg::BinaryArray(Type::Int8), pg::BinaryArray(Type::Text),  pg::BinaryArray(Type::Int4),
      pg::BinaryArray(Type::Text), pg::BinaryArray(Type::Int8)};
  // process_tags rows of the new processes: process_id, key, value, started_at.
  std::array<pg::BinaryArray, 4> newTag{pg::BinaryArray(Type::Uuid), pg::BinaryArray(Type::Text),
                                        pg::BinaryArray(Type::Text), pg::BinaryArray(Type::Int8)};
  std::array<pg::BinaryArray, 8> changedProcess{
      pg::BinaryArray(Type::Uuid), pg::BinaryArray(Type::Int4), pg::BinaryArray(Type::Int8),
      pg::BinaryArray(Type::Text), pg::BinaryArray(Type::Text), pg::BinaryArray(Type::Uuid),
      pg::BinaryArray(Type::Int8), pg::BinaryArray(Type::Int4)};
  pg::ProcessLists lists(*horizons_, written, rows::nowMs());
  std::size_t newTags = 0;
  std::size_t newProcesses = 0;
  std::size_t changedProcesses = 0;
  for (const auto& [id, row] : processes) {
    const ProcessInfo& info = row->info;
    const std::string result = info.ended() ? info.result.dump() : std::string();
    const std::string error = info.error ? Json(*info.error).dump() : std::string();
    lists.add(info, row->partition, processIsNew[id]);
    if (processIsNew[id]) {
      ++newProcesses;
      auto& c = newProcess;
      c[0].add(info.processId);
      c[1].add(std::int64_t{row->partition});
      c[2].add(info.taskId);
      if (info.customId) {
        c[3].add(*info.customId);
      } else {
        c[3].addNull();
      }
      c[4].add(info.actor);
      c[5].add(info.method);
      c[6].add(std::int64_t{storedState(info.state)});
      c[7].add(info.startedAt);
      c[8].add(info.endedAt);
      c[9].addTextOrNull(result);
      c[10].addTextOrNull(error);
      c[11].add(info.failedTaskId);
      c[12].add(row->wakeAt);
      if (row->requestId) {
        c[13].add(*row->requestId);
      } else {
        c[13].addNull();
      }
      c[14].add(std::int64_t{info.paused ? 1 : 0});
      const Tags& tags = *processTags[id];
      c[15].addTextOrNull(rows::storedTags(tags));
      c[16].add(info.deadline);
      for (const auto& [key, value] : tags) {
        ++newTags;
        newTag[0].add(info.processId);
        newTag[1].add(key);
        newTag[2].add(value);
        newTag[3].add(info.startedAt);
      }
    } else {
      ++changedProcesses;
      auto& c = changedProcess;
      c[0].add(info.processId);
      c[1].add(std::int64_t{storedState(info.state)});
      c[2].add(info.endedAt);
      c[3].addTextOrNull(result);
      c[4].addTextOrNull(error);
      c[5].add(info.failedTaskId);
      c[6].add(row->wakeAt);
      c[7].add(std::int64_t{info.paused ? 1 : 0});
    }
  }

  // Every column as one array (pg::takeAll): a statement a table, whatever the batch's size.
  const auto build = [&](pg::CommitSink& sink) {
    if (!fenceNode_.empty()) sink.add(pg::holdLeases(written, fenceNode_));
    if (newProcesses > 0) {
      static const std::string insert = fmt::format(
          "INSERT INTO processes ({}) SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], "
          "$4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::bigint[], "
          "$10::text[], $11::text[], $12::uuid[], $13::bigint[], $14::text[], $15::int[], "
          "$16::text[], $17::bigint[])",
          kProcessColumns);
      sink.add({"commit_new_processes", insert, pg::takeAll(newProcess)});
    }
    if (newTags > 0) {
      sink.add({"commit_new_tags",
                "INSERT INTO process_tags (process_id, key, value, started_at) SELECT * FROM "
                "unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[])",
                pg::takeAll(newTag)});
    }
    if (changedProcesses > 0) {
      // "p.id = ANY" makes PostgreSQL find the rows by the primary key: with the join alone it
      // chose to scan the whole table and hash the batch (2.1 against 0.9 ms a batch of 125 at
      // 10,000 processes, and growing with the table).
      sink.add({"commit_changed_processes",
                "UPDATE processes p SET state = u.state, ended_at = u.ended_at, result = "
                "u.result, error = u.error, failed_task = u.failed_task, wake_at = u.wake_at, "
                "paused = u.paused FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::text[], "
                "$5::text[], $6::uuid[], $7::bigint[], $8::int[]) AS u(id, state, ended_at, "
                "result, error, failed_task, wake_at, paused) WHERE p.id = u.id AND p.id = "
                "ANY($1::uuid[])",
                pg::takeAll(changedProcess)});
    }
    lists.write(sink);
    pg::writeTasks(sink, batch, *snapshots_);
  };

  if (pipelined) {
    try {
      pipeline_->send(build, false);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& error) {
      pg::rethrow("commit", error);
    }
    return answers;
  }
  writer_->run("commit", false, [&](pqxx::connection& connection) {
    // A batch without event operations goes out at once (pg_pipeline.h); the event operations
    // read what they change, a statement at a time.
    if (batch.events.empty()) {
      pipeline_->commit(build);
      return;
    }
    pg::usePerExecutionPlans(connection);
    pqxx::work tx(connection);
    pg::TransactionSink sink(tx);
    build(sink);
    answers = pg::applyEventOps(tx, batch.events);
    tx.commit();
  });
  return answers;
}

std::vector<EventDeliveryRow> PgStore::pendingDeliveries(const PartitionSet& partitions,
                                                         int limit) {
  return reader_->run("find pending deliveries", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return pg::pendingDeliveries(tx, partitions, limit);
  });
}

std::vector<KeptEvent> PgStore::keptEvents(const std::optional<std::string>& name, std::int64_t now,
                                           int limit) {
  return reader_->run("list kept events", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return pg::keptEvents(tx, name, now, limit);
  });
}

std::int64_t PgStore::expireEvents(std::int64_t now, std::int64_t idsBefore) {
  return leases_->run("expire kept events", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    std::int64_t expired = pg::expireEvents(tx, now, idsBefore);
    tx.commit();
    return expired;
  });
}

void PgStore::checkWritable() {
  writer_->write("check that writes succeed", false,
                 "INSERT INTO meta (key, value) VALUES ('write_check', now()::text) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
}

void PgStore::setActorBlocked(const std::string& actor, bool blocked) {
  leases_->write("block actor", true,
                 "INSERT INTO actors (actor, blocked) VALUES ($1, $2) ON CONFLICT (actor) DO "
                 "UPDATE SET blocked = excluded.blocked",
                 actor, blocked);
}

}  // namespace pledge::server
