#include "pledge/server/store/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>

#include "pledge/error.h"
#include "pledge/json.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_rows.h"

namespace pledge::server {

using sqlite::exec;
using sqlite::kProcessColumns;
using sqlite::kTaskColumns;
using sqlite::openConnection;
using sqlite::partitionFilter;
using sqlite::qualified;
using sqlite::readProcess;
using sqlite::readTask;
using sqlite::ResetOnExit;
using sqlite::Statement;
using sqlite::storedState;

// The start lookups of the reader connection, prepared once (findStarts).
struct SqliteStore::StartLookups {
  std::unique_ptr<Statement> byCustomId;
  std::unique_ptr<Statement> byRequestId;
};

// The statements of the writer connection, prepared once.
class SqliteStore::Statements {
 public:
  explicit Statements(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT"),
        rollback(db, "ROLLBACK"),
        insertProcess(db,
                      fmt::format("INSERT INTO processes ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                  kProcessColumns)),
        updateProcess(db,
                      "UPDATE processes SET state = ?2, ended_at = ?3, result = ?4, error = ?5, "
                      "failed_task = ?6, wake_at = ?7 WHERE id = ?1"),
        insertTask(
            db, fmt::format("INSERT INTO tasks ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            kTaskColumns)),
        updateTask(db,
                   "UPDATE tasks SET state = ?2, promise = ?3, attempt = ?4, attempt_base = ?5, "
                   "not_before = ?6, lease_until = ?7, forward_to = ?8, value = ?9, error = ?10, "
                   "ready_at = ?11, started_at = ?12, ended_at = ?13 WHERE id = ?1") {}

  Statement begin;
  Statement commit;
  Statement rollback;
  Statement insertProcess;
  Statement updateProcess;
  Statement insertTask;
  Statement updateTask;
};

SqliteStore::SqliteStore(const std::string& dataDir, int partitions, bool durable) {
  std::error_code ec;
  std::filesystem::create_directories(dataDir, ec);
  if (ec) {
    throw Error(ErrorCode::Internal,
                fmt::format("cannot create the data folder {}: {}", dataDir, ec.message()));
  }
  const std::string path = (std::filesystem::path(dataDir) / "pledge.db").string();
  writer_ = openConnection(path);
  try {
    sqlite::applyMigrations(writer_, path);
    {
      Statement read(writer_, "SELECT value FROM meta WHERE key = 'partitions'");
      if (read.step()) {
        partitions_ = std::stoi(read.text(0));
      } else {
        partitions_ = partitions;
        Statement write(writer_, "INSERT INTO meta (key, value) VALUES ('partitions', ?)");
        write.bind(1, std::to_string(partitions)).run();
      }
    }
    if (partitions_ != partitions) {
      throw Error(ErrorCode::Internal,
                  fmt::format("{} holds {} partitions but {} were asked for; the partition count "
                              "is stored with the data and changing it is an explicit migration "
                              "(start with --partitions {})",
                              path, partitions_, partitions, partitions_));
    }
    if (!durable) exec(writer_, "PRAGMA synchronous=OFF");
    writeStatements_ = std::make_unique<Statements>(writer_);
    reader_ = openConnection(path);
  } catch (...) {
    writeStatements_.reset();
    sqlite3_close(writer_);
    sqlite3_close(reader_);
    throw;
  }
}

SqliteStore::~SqliteStore() {
  startLookups_.reset();
  writeStatements_.reset();
  sqlite3_close(reader_);
  sqlite3_close(writer_);
}

void SqliteStore::commit(const WriteBatch& batch) {
  if (batch.empty()) return;
  std::lock_guard lock(writeMutex_);
  Statements& s = *writeStatements_;
  s.begin.run();
  try {
    for (const ProcessRow& row : batch.processes) {
      const ProcessInfo& info = row.info;
      const std::string result = info.ended() ? info.result.dump() : std::string();
      const std::string error = info.error ? Json(*info.error).dump() : std::string();
      if (row.isNew) {
        Statement& insert = s.insertProcess;
        insert.bind(1, info.processId).bind(2, std::int64_t{row.partition}).bind(3, info.taskId);
        if (info.customId) {
          insert.bind(4, *info.customId);
        } else {
          insert.bindNull(4);
        }
        insert.bind(5, info.actor)
            .bind(6, info.method)
            .bind(7, std::int64_t{storedState(info.state)});
        insert.bind(8, info.startedAt);
        if (info.endedAt) {
          insert.bind(9, *info.endedAt);
        } else {
          insert.bindNull(9);
        }
        insert.bindOptionalText(10, result).bindOptionalText(11, error).bind(12, info.failedTaskId);
        if (row.wakeAt) {
          insert.bind(13, *row.wakeAt);
        } else {
          insert.bindNull(13);
        }
        if (row.requestId) {
          insert.bind(14, *row.requestId);
        } else {
          insert.bindNull(14);
        }
        insert.run();
      } else {
        Statement& update = s.updateProcess;
        update.bind(1, info.processId).bind(2, std::int64_t{storedState(info.state)});
        if (info.endedAt) {
          update.bind(3, *info.endedAt);
        } else {
          update.bindNull(3);
        }
        update.bindOptionalText(4, result).bindOptionalText(5, error).bind(6, info.failedTaskId);
        if (row.wakeAt) {
          update.bind(7, *row.wakeAt);
        } else {
          update.bindNull(7);
        }
        update.run();
      }
    }
    for (const TaskRow& row : batch.tasks) {
      if (row.isNew) {
        Statement& insert = s.insertTask;
        insert.bind(1, row.id).bind(2, row.processId).bind(3, row.spec);
        insert.bind(4, static_cast<std::int64_t>(row.state)).bind(5, static_cast<std::int64_t>(row.promise));
        insert.bind(6, std::int64_t{row.attempt}).bind(7, std::int64_t{row.attemptBase});
        insert.bind(8, row.notBefore).bind(9, row.leaseUntil).bind(10, row.forwardTo);
        insert.bindOptionalText(11, row.value).bindOptionalText(12, row.error);
        insert.bind(13, row.createdAt).bind(14, row.readyAt).bind(15, row.startedAt);
        insert.bind(16, row.endedAt).bind(17, row.parentId).bind(18, std::int64_t{row.seq});
        insert.run();
      } else {
        Statement& update = s.updateTask;
        update.bind(1, row.id).bind(2, static_cast<std::int64_t>(row.state)).bind(3, static_cast<std::int64_t>(row.promise));
        update.bind(4, std::int64_t{row.attempt}).bind(5, std::int64_t{row.attemptBase});
        update.bind(6, row.notBefore).bind(7, row.leaseUntil).bind(8, row.forwardTo);
        update.bindOptionalText(9, row.value).bindOptionalText(10, row.error);
        update.bind(11, row.readyAt).bind(12, row.startedAt).bind(13, row.endedAt);
        update.run();
      }
    }
    s.commit.run();
  } catch (...) {
    s.insertProcess.reset();
    s.updateProcess.reset();
    s.insertTask.reset();
    s.updateTask.reset();
    s.commit.reset();
    rollbackQuietly();
    throw;
  }
}

void SqliteStore::rollbackQuietly() {
  // SQLite may have rolled back by itself (SQLITE_FULL, SQLITE_IOERR): ROLLBACK would fail then.
  if (sqlite3_get_autocommit(writer_) == 0)
    sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteStore::checkWritable() {
  std::lock_guard lock(writeMutex_);
  Statements& s = *writeStatements_;
  s.begin.run();
  try {
    Statement write(writer_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('write_check', ?)");
    write
        .bind(1, std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count()))
        .run();
    s.commit.run();
  } catch (...) {
    s.commit.reset();
    rollbackQuietly();
    throw;
  }
}

LiveState SqliteStore::loadLive(std::int64_t horizon, const PartitionSet& partitions) {
  // Running or broken, not dormant past the horizon, of the partitions; alias is the processes
  // table's.
  auto live = [&](std::string_view alias) {
    return fmt::format("{0}state IN ({1}, {2}) AND ({0}wake_at IS NULL OR {0}wake_at <= {3}){4}",
                       alias, storedState(ProcessState::Running), storedState(ProcessState::Broken),
                       horizon, partitionFilter(alias, partitions));
  };
  std::lock_guard lock(readMutex_);
  LiveState state;
  Statement processes(reader_,
                      fmt::format("SELECT {} FROM processes WHERE {}", kProcessColumns, live("")));
  while (processes.step()) state.processes.push_back(readProcess(processes));
  Statement tasks(reader_,
                  fmt::format("SELECT {} FROM processes p JOIN tasks t ON t.process_id = p.id "
                              "WHERE {} ORDER BY t.process_id, t.seq",
                              qualified(kTaskColumns, "t"), live("p.")));
  while (tasks.step()) state.tasks.push_back(readTask(tasks));
  return state;
}

std::vector<Uuid> SqliteStore::dormantDue(std::int64_t horizon, int limit,
                                          const PartitionSet& partitions) {
  std::lock_guard lock(readMutex_);
  Statement query(
      reader_, fmt::format("SELECT id FROM processes WHERE wake_at IS NOT NULL AND wake_at <= ?{} "
                           "ORDER BY wake_at LIMIT ?",
                           partitionFilter("", partitions)));
  query.bind(1, horizon).bind(2, std::int64_t{limit});
  std::vector<Uuid> ids;
  while (query.step()) ids.push_back(*query.uuid(0));
  return ids;
}

LiveState SqliteStore::loadProcesses(const std::vector<Uuid>& ids) {
  std::lock_guard lock(readMutex_);
  LiveState live;
  Statement process(reader_, fmt::format("SELECT {} FROM processes WHERE id = ?", kProcessColumns));
  Statement tasks(
      reader_, fmt::format("SELECT {} FROM tasks WHERE process_id = ? ORDER BY seq", kTaskColumns));
  for (const Uuid& id : ids) {
    process.bind(1, id);
    if (process.step()) live.processes.push_back(readProcess(process));
    process.reset();
    tasks.bind(1, id);
    while (tasks.step()) live.tasks.push_back(readTask(tasks));
    tasks.reset();
  }
  return live;
}

std::int64_t SqliteStore::countDormant() {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, "SELECT COUNT(*) FROM processes WHERE wake_at IS NOT NULL");
  return query.step() ? query.integer(0) : 0;
}

std::optional<ProcessRow> SqliteStore::findProcess(const Uuid& id) {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, fmt::format("SELECT {} FROM processes WHERE id = ?", kProcessColumns));
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return readProcess(query);
}

std::optional<Uuid> SqliteStore::findProcessByCustomId(const std::string& customId) {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, "SELECT id FROM processes WHERE custom_id = ?");
  query.bind(1, customId);
  if (!query.step()) return std::nullopt;
  return query.uuid(0);
}

std::vector<std::optional<StartedProcess>> SqliteStore::findStarts(
    const std::vector<StartKey>& keys) {
  std::lock_guard lock(readMutex_);
  // Prepared once: every start of the client library carries a requestId.
  if (!startLookups_) {
    startLookups_ = std::make_unique<StartLookups>(
        StartLookups{std::make_unique<Statement>(
                         reader_, "SELECT id, start_task FROM processes WHERE custom_id = ?"),
                     std::make_unique<Statement>(
                         reader_, "SELECT id, start_task FROM processes WHERE request_id = ?")});
  }
  Statement& byCustomId = *startLookups_->byCustomId;
  Statement& byRequestId = *startLookups_->byRequestId;
  std::vector<std::optional<StartedProcess>> found;
  found.reserve(keys.size());
  for (const StartKey& key : keys) {
    Statement* query = key.customId ? &byCustomId : key.requestId ? &byRequestId : nullptr;
    if (query == nullptr) {
      found.emplace_back();
      continue;
    }
    ResetOnExit reset(*query);
    query->bind(1, key.customId ? *key.customId : *key.requestId);
    if (query->step()) {
      found.emplace_back(StartedProcess{*query->uuid(0), *query->uuid(1), true});
    } else {
      found.emplace_back();
    }
  }
  return found;
}

std::optional<TaskRow> SqliteStore::findTask(const Uuid& id) {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, fmt::format("SELECT {} FROM tasks WHERE id = ?", kTaskColumns));
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return readTask(query);
}

std::vector<TaskRow> SqliteStore::processTasks(const Uuid& processId) {
  std::lock_guard lock(readMutex_);
  Statement query(
      reader_, fmt::format("SELECT {} FROM tasks WHERE process_id = ? ORDER BY seq", kTaskColumns));
  query.bind(1, processId);
  std::vector<TaskRow> rows;
  while (query.step()) rows.push_back(readTask(query));
  return rows;
}

ProcessPage SqliteStore::listProcesses(const ProcessQuery& query) {
  PLEDGE_REQUIRE(query.limit >= 1 && query.limit <= 1000, "limit: must be 1 to 1000, got {}",
                 query.limit);
  std::optional<std::pair<std::int64_t, Uuid>> after;
  if (query.cursor) after = decodeProcessCursor(*query.cursor);
  std::string sql = fmt::format("SELECT {} FROM processes WHERE 1 = 1", kProcessColumns);
  if (query.state) sql += " AND state = ?1";
  if (query.actor) sql += " AND actor = ?2";
  if (query.customId) sql += " AND custom_id = ?3";
  if (query.startedAfter) sql += " AND started_at >= ?4";
  if (query.startedBefore) sql += " AND started_at < ?5";
  if (after) sql += " AND (started_at < ?6 OR (started_at = ?6 AND id < ?7))";
  sql += " ORDER BY started_at DESC, id DESC LIMIT ?8";

  std::lock_guard lock(readMutex_);
  Statement select(reader_, sql);
  if (query.state) select.bind(1, std::int64_t{storedState(*query.state)});
  if (query.actor) select.bind(2, *query.actor);
  if (query.customId) select.bind(3, *query.customId);
  if (query.startedAfter) select.bind(4, *query.startedAfter);
  if (query.startedBefore) select.bind(5, *query.startedBefore);
  if (after) select.bind(6, after->first).bind(7, after->second);
  select.bind(8, std::int64_t{query.limit + 1});
  ProcessPage page;
  while (select.step()) {
    if (static_cast<int>(page.items.size()) == query.limit) {
      const ProcessInfo& last = page.items.back();
      page.next = encodeProcessCursor(last.startedAt, last.processId);
      break;
    }
    page.items.push_back(readProcess(select).info);
  }
  return page;
}

void SqliteStore::setActorBlocked(const std::string& actor, bool blocked) {
  std::lock_guard lock(writeMutex_);
  Statement upsert(writer_,
                   "INSERT INTO actors (actor, blocked) VALUES (?1, ?2) "
                   "ON CONFLICT (actor) DO UPDATE SET blocked = excluded.blocked");
  upsert.bind(1, actor).bind(2, std::int64_t{blocked ? 1 : 0}).run();
}

std::vector<std::string> SqliteStore::blockedActors() {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, "SELECT actor FROM actors WHERE blocked = 1 ORDER BY actor");
  std::vector<std::string> actors;
  while (query.step()) actors.push_back(query.text(0));
  return actors;
}

ProcessCounts SqliteStore::countProcesses() {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, "SELECT state, COUNT(*) FROM processes GROUP BY state");
  ProcessCounts counts;
  while (query.step()) {
    switch (static_cast<ProcessState>(query.integer(0))) {
      case ProcessState::Running:
        counts.running = query.integer(1);
        break;
      case ProcessState::Completed:
        counts.completed = query.integer(1);
        break;
      case ProcessState::Broken:
        counts.broken = query.integer(1);
        break;
      case ProcessState::Aborted:
        counts.aborted = query.integer(1);
        break;
    }
  }
  return counts;
}

}  // namespace pledge::server
