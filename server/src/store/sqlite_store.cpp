#include "pledge/server/store/sqlite_store.h"

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pledge/error.h"
#include "pledge/json.h"
#include "pledge/limits.h"

namespace pledge::server {
namespace {

// Schema migrations, applied in order; the stored schema_version says how many ran.
constexpr std::array kMigrations = {
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE processes (
  id BLOB PRIMARY KEY,
  partition INTEGER NOT NULL,
  start_task BLOB NOT NULL,
  custom_id TEXT UNIQUE,
  actor TEXT NOT NULL,
  method TEXT NOT NULL,
  state INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  result TEXT,
  error TEXT,
  failed_task BLOB
) WITHOUT ROWID;
CREATE INDEX processes_by_start ON processes (started_at DESC, id DESC);
CREATE INDEX processes_by_state ON processes (state, started_at DESC, id DESC);
CREATE INDEX processes_by_actor ON processes (actor, started_at DESC, id DESC);
CREATE TABLE tasks (
  id BLOB PRIMARY KEY,
  process_id BLOB NOT NULL,
  spec TEXT NOT NULL,
  state INTEGER NOT NULL,
  promise INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  attempt_base INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  lease_until INTEGER NOT NULL,
  forward_to BLOB,
  value TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  ready_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tasks_by_process ON tasks (process_id);
CREATE TABLE actors (actor TEXT PRIMARY KEY, blocked INTEGER NOT NULL) WITHOUT ROWID;
)sql",
    // 2: dormant processes (out of memory until their next scheduled task is due).
    R"sql(
ALTER TABLE processes ADD COLUMN wake_at INTEGER;
CREATE INDEX processes_dormant ON processes (wake_at) WHERE wake_at IS NOT NULL;
)sql",
    // 3: the creator of each task (the process drawn as the tree of its decisions).
    R"sql(
ALTER TABLE tasks ADD COLUMN parent_id BLOB;
ALTER TABLE tasks ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
)sql",
    // 4: the requestId of the start that created a process (a retried start finds it).
    R"sql(
ALTER TABLE processes ADD COLUMN request_id TEXT;
CREATE INDEX processes_by_request ON processes (request_id) WHERE request_id IS NOT NULL;
)sql",
};

// Process states as stored; the numbers must never change.
int storedState(ProcessState state) { return static_cast<int>(state); }

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw Error(ErrorCode::Internal,
              fmt::format("SQLite: {}: {}", what, db != nullptr ? sqlite3_errmsg(db) : "no handle"));
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw Error(ErrorCode::Internal, fmt::format("SQLite: {}: {}", sql, text));
  }
}

std::array<unsigned char, 16> uuidBytes(const Uuid& id) {
  std::array<unsigned char, 16> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(id.high() >> (56 - 8 * i));
    bytes[8 + i] = static_cast<unsigned char>(id.low() >> (56 - 8 * i));
  }
  return bytes;
}

// A prepared statement; reset after each use. Not copyable; used under its connection's mutex.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement_, nullptr) != SQLITE_OK) {
      fail(db, "prepare " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_, index, value));
    return *this;
  }
  Statement& bind(int index, const std::string& text) {
    check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bindOptionalText(int index, const std::string& text) {
    if (text.empty()) {
      check(sqlite3_bind_null(statement_, index));
      return *this;
    }
    return bind(index, text);
  }
  Statement& bind(int index, const Uuid& id) {
    auto bytes = uuidBytes(id);
    check(sqlite3_bind_blob(statement_, index, bytes.data(), 16, SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int index, const std::optional<Uuid>& id) {
    if (!id) {
      check(sqlite3_bind_null(statement_, index));
      return *this;
    }
    return bind(index, *id);
  }
  Statement& bindNull(int index) {
    check(sqlite3_bind_null(statement_, index));
    return *this;
  }

  // Steps once; true while a row is available.
  bool step() {
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "step");
  }
  void run() {
    try {
      step();
    } catch (...) {
      reset();
      throw;
    }
    reset();
  }
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  bool isNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::string text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    return data == nullptr ? std::string()
                           : std::string(reinterpret_cast<const char*>(data),
                                         static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  std::optional<Uuid> uuid(int column) const {
    if (sqlite3_column_bytes(statement_, column) != 16) return std::nullopt;
    const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(statement_, column));
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    for (int i = 0; i < 8; ++i) high = (high << 8) | bytes[i];
    for (int i = 8; i < 16; ++i) low = (low << 8) | bytes[i];
    return Uuid(high, low);
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Resets a statement when a scope ends, also by exception.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

constexpr const char* kProcessColumns =
    "id, partition, start_task, custom_id, actor, method, state, started_at, ended_at, result, "
    "error, failed_task, wake_at, request_id";
constexpr const char* kTaskColumns =
    "id, process_id, spec, state, promise, attempt, attempt_base, not_before, lease_until, "
    "forward_to, value, error, created_at, ready_at, started_at, ended_at, parent_id, seq";

ProcessRow readProcess(const Statement& row) {
  limits::Ignored stored;
  ProcessRow process;
  process.info.processId = *row.uuid(0);
  process.partition = static_cast<int>(row.integer(1));
  process.info.taskId = *row.uuid(2);
  if (!row.isNull(3)) process.info.customId = row.text(3);
  process.info.actor = row.text(4);
  process.info.method = row.text(5);
  process.info.state = static_cast<ProcessState>(row.integer(6));
  process.info.startedAt = row.integer(7);
  if (!row.isNull(8)) process.info.endedAt = row.integer(8);
  if (!row.isNull(9)) process.info.result = parseJson(row.text(9));
  if (!row.isNull(10)) process.info.error = parseJson(row.text(10)).get<TaskError>();
  process.info.failedTaskId = row.uuid(11);
  if (!row.isNull(12)) process.wakeAt = row.integer(12);
  if (!row.isNull(13)) process.requestId = row.text(13);
  return process;
}

TaskRow readTask(const Statement& row) {
  TaskRow task;
  task.id = *row.uuid(0);
  task.processId = *row.uuid(1);
  task.spec = row.text(2);
  task.state = static_cast<int>(row.integer(3));
  task.promise = static_cast<int>(row.integer(4));
  task.attempt = static_cast<int>(row.integer(5));
  task.attemptBase = static_cast<int>(row.integer(6));
  task.notBefore = row.integer(7);
  task.leaseUntil = row.integer(8);
  task.forwardTo = row.uuid(9);
  task.value = row.text(10);
  task.error = row.text(11);
  task.createdAt = row.integer(12);
  task.readyAt = row.integer(13);
  task.startedAt = row.integer(14);
  task.endedAt = row.integer(15);
  task.parentId = row.uuid(16);
  task.seq = static_cast<int>(row.integer(17));
  return task;
}

// "a, b" -> "t.a, t.b".
std::string qualified(std::string_view columns, std::string_view alias) {
  std::string out;
  std::size_t start = 0;
  while (start <= columns.size()) {
    std::size_t comma = columns.find(',', start);
    std::string_view column = columns.substr(start, comma == std::string_view::npos ? columns.npos
                                                                                  : comma - start);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += fmt::format("{}.{}", alias, column);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// " AND <alias>partition IN (...)", or nothing for every partition.
std::string partitionFilter(std::string_view alias, const PartitionSet& partitions) {
  if (partitions.everything) return "";
  return fmt::format(" AND {}partition IN ({})", alias, fmt::join(partitions.list, ", "));
}

sqlite3* openConnection(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw Error(ErrorCode::Internal, fmt::format("cannot open {}: {}", path, message));
  }
  sqlite3_busy_timeout(db, 10'000);
  // WAL with synchronous=FULL: a commit that returned survives power loss. Memory-mapped reads
  // keep B-tree pages out of pread; a larger WAL checkpoints less often. The page cache stays at
  // 8 MiB: SQLite 3.40 walks the cache's hash table at the end of every write transaction
  // (pcache1TruncateUnsafe), which at 64 MiB took 7% of the server's time under load.
  exec(db,
       "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; "
       "PRAGMA cache_size=-8192; PRAGMA mmap_size=268435456; PRAGMA wal_autocheckpoint=8000; "
       "PRAGMA temp_store=MEMORY;");
  return db;
}

}  // namespace

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
        insertProcess(db, fmt::format("INSERT INTO processes ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                      kProcessColumns)),
        updateProcess(db,
                      "UPDATE processes SET state = ?2, ended_at = ?3, result = ?4, error = ?5, "
                      "failed_task = ?6, wake_at = ?7 WHERE id = ?1"),
        insertTask(db, fmt::format("INSERT INTO tasks ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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

int SqliteStore::schemaVersion() { return static_cast<int>(kMigrations.size()); }

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
    // Migrations run in one transaction each, so a crash leaves a consistent version.
    exec(writer_, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    int version = 0;
    {
      Statement read(writer_, "SELECT version FROM schema_version");
      if (read.step()) version = static_cast<int>(read.integer(0));
    }
    if (version > schemaVersion()) {
      throw Error(ErrorCode::Internal,
                  fmt::format("{} has schema version {}, newer than this pledge-server ({}); use a "
                              "newer build",
                              path, version, schemaVersion()));
    }
    for (int next = version; next < schemaVersion(); ++next) {
      exec(writer_, "BEGIN IMMEDIATE");
      exec(writer_, kMigrations[static_cast<std::size_t>(next)]);
      exec(writer_, "DELETE FROM schema_version");
      exec(writer_, fmt::format("INSERT INTO schema_version VALUES ({})", next + 1).c_str());
      exec(writer_, "COMMIT");
    }
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
        insert.bind(5, info.actor).bind(6, info.method).bind(7, std::int64_t{storedState(info.state)});
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
        insert.bind(4, std::int64_t{row.state}).bind(5, std::int64_t{row.promise});
        insert.bind(6, std::int64_t{row.attempt}).bind(7, std::int64_t{row.attemptBase});
        insert.bind(8, row.notBefore).bind(9, row.leaseUntil).bind(10, row.forwardTo);
        insert.bindOptionalText(11, row.value).bindOptionalText(12, row.error);
        insert.bind(13, row.createdAt).bind(14, row.readyAt).bind(15, row.startedAt);
        insert.bind(16, row.endedAt).bind(17, row.parentId).bind(18, std::int64_t{row.seq});
        insert.run();
      } else {
        Statement& update = s.updateTask;
        update.bind(1, row.id).bind(2, std::int64_t{row.state}).bind(3, std::int64_t{row.promise});
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
  if (sqlite3_get_autocommit(writer_) == 0) sqlite3_exec(writer_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteStore::checkWritable() {
  std::lock_guard lock(writeMutex_);
  Statements& s = *writeStatements_;
  s.begin.run();
  try {
    Statement write(writer_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('write_check', ?)");
    write.bind(1, std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
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
    return fmt::format("{0}state IN ({1}, {2}) AND ({0}wake_at IS NULL OR {0}wake_at <= {3}){4}", alias,
                       storedState(ProcessState::Running), storedState(ProcessState::Broken), horizon,
                       partitionFilter(alias, partitions));
  };
  std::lock_guard lock(readMutex_);
  LiveState state;
  Statement processes(reader_, fmt::format("SELECT {} FROM processes WHERE {}", kProcessColumns, live("")));
  while (processes.step()) state.processes.push_back(readProcess(processes));
  Statement tasks(reader_, fmt::format("SELECT {} FROM processes p JOIN tasks t ON t.process_id = p.id "
                                       "WHERE {} ORDER BY t.process_id, t.seq",
                                       qualified(kTaskColumns, "t"), live("p.")));
  while (tasks.step()) state.tasks.push_back(readTask(tasks));
  return state;
}

std::vector<Uuid> SqliteStore::dormantDue(std::int64_t horizon, int limit, const PartitionSet& partitions) {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, fmt::format("SELECT id FROM processes WHERE wake_at IS NOT NULL AND wake_at <= ?{} "
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
  Statement tasks(reader_, fmt::format("SELECT {} FROM tasks WHERE process_id = ? ORDER BY seq", kTaskColumns));
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

std::vector<std::optional<StartedProcess>> SqliteStore::findStarts(const std::vector<StartKey>& keys) {
  std::lock_guard lock(readMutex_);
  // Prepared once: every start of the client library carries a requestId.
  if (!startLookups_) {
    startLookups_ = std::make_unique<StartLookups>(
        StartLookups{std::make_unique<Statement>(reader_, "SELECT id, start_task FROM processes WHERE custom_id = ?"),
                     std::make_unique<Statement>(reader_, "SELECT id, start_task FROM processes WHERE request_id = ?")});
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
  Statement query(reader_, fmt::format("SELECT {} FROM tasks WHERE process_id = ? ORDER BY seq", kTaskColumns));
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
      case ProcessState::Running: counts.running = query.integer(1); break;
      case ProcessState::Completed: counts.completed = query.integer(1); break;
      case ProcessState::Broken: counts.broken = query.integer(1); break;
      case ProcessState::Aborted: counts.aborted = query.integer(1); break;
    }
  }
  return counts;
}

}  // namespace pledge::server
