#include "pledge/server/store/pg_store.h"

#include <pqxx/pqxx>

#include <array>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pledge/error.h"
#include "pledge/json.h"
#include "pledge/limits.h"

namespace pledge::server {
namespace {

// Schema migrations, applied in order under an advisory lock; schema_version says how many ran.
// Ids are uuid (16 bytes, ordered like their text, so time-ordered ids stay local), times epoch
// ms as bigint like the embedded store; lease times are the database's clock (timestamptz).
constexpr std::array kMigrations = {
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE processes (
  id UUID PRIMARY KEY,
  partition INTEGER NOT NULL,
  start_task UUID NOT NULL,
  custom_id TEXT UNIQUE,
  actor TEXT NOT NULL,
  method TEXT NOT NULL,
  state INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  result TEXT,
  error TEXT,
  failed_task UUID,
  wake_at BIGINT
);
CREATE INDEX processes_by_start ON processes (started_at DESC, id DESC);
CREATE INDEX processes_by_state ON processes (state, started_at DESC, id DESC);
CREATE INDEX processes_by_actor ON processes (actor, started_at DESC, id DESC);
CREATE INDEX processes_live ON processes (partition) WHERE state IN (0, 2);
CREATE INDEX processes_dormant ON processes (wake_at) WHERE wake_at IS NOT NULL;
CREATE TABLE tasks (
  id UUID PRIMARY KEY,
  process_id UUID NOT NULL,
  parent_id UUID,
  seq INTEGER NOT NULL,
  spec TEXT NOT NULL,
  state INTEGER NOT NULL,
  promise INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  attempt_base INTEGER NOT NULL,
  not_before BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,
  forward_to UUID,
  value TEXT,
  error TEXT,
  created_at BIGINT NOT NULL,
  ready_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL
);
CREATE INDEX tasks_by_process ON tasks (process_id, seq);
CREATE TABLE actors (actor TEXT PRIMARY KEY, blocked BOOLEAN NOT NULL);
CREATE TABLE nodes (
  name TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  heartbeat_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE partition_leases (
  partition INTEGER PRIMARY KEY,
  owner TEXT,
  epoch BIGINT NOT NULL DEFAULT 0,
  expires_at TIMESTAMPTZ NOT NULL DEFAULT to_timestamp(0)
);
CREATE TABLE lease_history (
  partition INTEGER NOT NULL,
  epoch BIGINT NOT NULL,
  owner TEXT NOT NULL,
  acquired_at TIMESTAMPTZ NOT NULL,
  ended_at TIMESTAMPTZ,
  PRIMARY KEY (partition, epoch)
);
)sql",
    // 2: the requestId of the start that created a process (a retried start finds it).
    R"sql(
ALTER TABLE processes ADD COLUMN request_id TEXT;
CREATE INDEX processes_by_request ON processes (request_id) WHERE request_id IS NOT NULL;
)sql",
};

// Any key: the migrations of concurrently starting nodes run one after another.
constexpr std::int64_t kMigrationLock = 0x706c656467650001;

constexpr const char* kProcessColumns =
    "id, partition, start_task, custom_id, actor, method, state, started_at, ended_at, result, "
    "error, failed_task, wake_at, request_id";
constexpr const char* kTaskColumns =
    "id, process_id, spec, state, promise, attempt, attempt_base, not_before, lease_until, "
    "forward_to, value, error, created_at, ready_at, started_at, ended_at, parent_id, seq";

int storedState(ProcessState state) { return static_cast<int>(state); }

std::optional<Uuid> uuidOf(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return Uuid::parse(field.c_str());
}

std::string textOf(const pqxx::field& field) { return field.is_null() ? std::string() : field.c_str(); }

ProcessRow readProcess(const pqxx::row& row) {
  limits::Ignored stored;
  ProcessRow process;
  process.info.processId = *uuidOf(row[0]);
  process.partition = row[1].as<int>();
  process.info.taskId = *uuidOf(row[2]);
  if (!row[3].is_null()) process.info.customId = row[3].c_str();
  process.info.actor = row[4].c_str();
  process.info.method = row[5].c_str();
  process.info.state = static_cast<ProcessState>(row[6].as<int>());
  process.info.startedAt = row[7].as<std::int64_t>();
  if (!row[8].is_null()) process.info.endedAt = row[8].as<std::int64_t>();
  if (!row[9].is_null()) process.info.result = parseJson(row[9].c_str());
  if (!row[10].is_null()) process.info.error = parseJson(row[10].c_str()).get<TaskError>();
  process.info.failedTaskId = uuidOf(row[11]);
  if (!row[12].is_null()) process.wakeAt = row[12].as<std::int64_t>();
  if (!row[13].is_null()) process.requestId = row[13].c_str();
  return process;
}

TaskRow readTask(const pqxx::row& row) {
  TaskRow task;
  task.id = *uuidOf(row[0]);
  task.processId = *uuidOf(row[1]);
  task.spec = row[2].c_str();
  task.state = row[3].as<int>();
  task.promise = row[4].as<int>();
  task.attempt = row[5].as<int>();
  task.attemptBase = row[6].as<int>();
  task.notBefore = row[7].as<std::int64_t>();
  task.leaseUntil = row[8].as<std::int64_t>();
  task.forwardTo = uuidOf(row[9]);
  task.value = textOf(row[10]);
  task.error = textOf(row[11]);
  task.createdAt = row[12].as<std::int64_t>();
  task.readyAt = row[13].as<std::int64_t>();
  task.startedAt = row[14].as<std::int64_t>();
  task.endedAt = row[15].as<std::int64_t>();
  task.parentId = uuidOf(row[16]);
  task.seq = row[17].as<int>();
  return task;
}

// A PostgreSQL array literal built column by column, so that one statement writes a whole batch
// (INSERT ... SELECT FROM unnest(...), UPDATE ... FROM unnest(...)).
class ArrayLiteral {
 public:
  void add(std::string_view text) {
    separate();
    text_ += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void add(std::int64_t value) {
    separate();
    text_ += std::to_string(value);
  }
  void add(const Uuid& id) {
    separate();
    text_ += id.toString();
  }
  void add(const std::optional<Uuid>& id) {
    if (id) {
      add(*id);
    } else {
      addNull();
    }
  }
  void add(const std::optional<std::int64_t>& value) {
    if (value) {
      add(*value);
    } else {
      addNull();
    }
  }
  // An empty text is NULL (no value, no error).
  void addTextOrNull(const std::string& text) {
    if (text.empty()) {
      addNull();
    } else {
      add(text);
    }
  }
  void addNull() {
    separate();
    text_ += "NULL";
  }
  std::string str() const { return "{" + text_ + "}"; }

 private:
  void separate() {
    if (!text_.empty()) text_ += ',';
  }
  std::string text_;
};

std::string intArray(const std::vector<int>& values) { return fmt::format("{{{}}}", fmt::join(values, ",")); }

// "AND partition = ANY('{...}')" for a set of partitions, nothing for all.
std::string partitionFilter(std::string_view alias, const PartitionSet& partitions) {
  if (partitions.everything) return "";
  return fmt::format(" AND {}partition = ANY('{}'::int[])", alias, intArray(partitions.list));
}

// Errors after which the connection is no use any more: the server went read-only (a primary
// demoted by a failover: 25006), is shutting down or restarting (57P0x), or the connection broke
// (class 08). A new connection goes to whichever host of the URL takes writes now
// (target_session_attrs=read-write).
bool needsNewConnection(const pqxx::sql_error& error) {
  const std::string& state = error.sqlstate();
  return state == "25006" || state.starts_with("57P") || state.starts_with("08");
}

[[noreturn]] void rethrow(const std::string& what, const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    throw Error(ErrorCode::Unavailable, fmt::format("PostgreSQL: {}: connection lost: {}", what, error.what()));
  }
  throw Error(ErrorCode::Unavailable, fmt::format("PostgreSQL: {}: {}", what, error.what()));
}

}  // namespace

std::string PgStore::redact(const std::string& url) {
  // scheme://user:password@host -> scheme://user:***@host
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// One connection, used under its mutex, opened again when it broke.
class PgStore::Session {
 public:
  explicit Session(std::string url) : url_(std::move(url)) {}

  // Runs work(connection) under the mutex. A broken connection is opened again; work is retried
  // once when retry is set (for reads, never for a commit, whose fate would be unknown).
  template <typename Work>
  auto run(const std::string& what, bool retry, Work&& work) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0;; ++attempt) {
      try {
        if (!connection_ || !connection_->is_open()) connection_ = std::make_unique<pqxx::connection>(url_);
        return work(*connection_);
      } catch (const Error&) {
        throw;
      } catch (const pqxx::broken_connection& error) {
        connection_.reset();
        if (!retry || attempt > 0) rethrow(what, error);
      } catch (const pqxx::sql_error& error) {
        if (!needsNewConnection(error)) rethrow(what, error);
        connection_.reset();
        if (!retry || attempt > 0) rethrow(what, error);
      } catch (const std::exception& error) {
        rethrow(what, error);
      }
    }
  }

 private:
  std::string url_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> connection_;
};

int PgStore::schemaVersion() { return static_cast<int>(kMigrations.size()); }

PgStore::PgStore(const std::string& url, int partitions) : url_(url) {
  try {
    auto connection = std::make_unique<pqxx::connection>(url);
    (void)connection;
  } catch (const std::exception& error) {
    throw Error(ErrorCode::Unavailable,
                fmt::format("cannot connect to PostgreSQL at {}: {}Check that the server runs, the "
                            "database exists (createdb) and the user may log in; the URL looks like "
                            "postgresql://user:password@host:5432/database",
                            redact(url), error.what()));
  }
  writer_ = std::make_unique<Session>(url);
  reader_ = std::make_unique<Session>(url);
  leases_ = std::make_unique<Session>(url);
  writer_->run("migrate", false, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    pqxx::result version = tx.exec("SELECT version FROM schema_version");
    const int current = version.empty() ? 0 : version[0][0].as<int>();
    if (current > schemaVersion()) {
      throw Error(ErrorCode::Internal,
                  fmt::format("{} has schema version {}, newer than this pledge-server ({}); use a "
                              "newer build",
                              redact(url), current, schemaVersion()));
    }
    for (int next = current; next < schemaVersion(); ++next) {
      tx.exec(kMigrations[static_cast<std::size_t>(next)]);
    }
    if (current != schemaVersion()) {
      tx.exec("DELETE FROM schema_version");
      tx.exec_params("INSERT INTO schema_version VALUES ($1)", schemaVersion());
    }
    pqxx::result stored = tx.exec("SELECT value FROM meta WHERE key = 'partitions'");
    if (stored.empty()) {
      partitions_ = partitions;
      tx.exec_params("INSERT INTO meta (key, value) VALUES ('partitions', $1)", std::to_string(partitions));
      tx.exec_params("INSERT INTO partition_leases (partition) SELECT generate_series(0, $1 - 1)", partitions);
    } else {
      partitions_ = std::stoi(stored[0][0].c_str());
    }
    tx.commit();
  });
  if (partitions_ != partitions) {
    throw Error(ErrorCode::Internal,
                fmt::format("{} holds {} partitions but {} were asked for; the partition count is "
                            "stored with the data and changing it is an explicit migration (start "
                            "with --partitions {})",
                            redact(url), partitions_, partitions, partitions_));
  }
}

PgStore::~PgStore() = default;

void PgStore::fenceCommits(const std::string& owner) {
  writer_->run("fence", false, [&](pqxx::connection&) { fenceNode_ = owner; });
}

void PgStore::commit(const WriteBatch& batch) {
  if (batch.empty()) return;
  // Later rows of the same id win.
  // A row that was new stays an insert when later rows of the same id change it.
  std::map<Uuid, const ProcessRow*> processes;
  std::unordered_map<Uuid, bool> processIsNew;
  for (const ProcessRow& row : batch.processes) {
    processIsNew[row.info.processId] = processIsNew[row.info.processId] || row.isNew;
    processes[row.info.processId] = &row;
  }
  std::map<Uuid, const TaskRow*> tasks;
  std::unordered_map<Uuid, bool> taskIsNew;
  // The spec travels with the row that was new.
  std::unordered_map<Uuid, std::string_view> specs;
  for (const TaskRow& row : batch.tasks) {
    taskIsNew[row.id] = taskIsNew[row.id] || row.isNew;
    if (!row.spec.empty()) specs[row.id] = row.spec;
    tasks[row.id] = &row;
  }
  std::set<int> written;
  for (const auto& [id, row] : processes) written.insert(row->partition);
  for (const auto& [id, row] : tasks) written.insert(row->partition);

  // Columns of the statements, one array each.
  std::array<ArrayLiteral, 14> newProcess;
  std::array<ArrayLiteral, 7> changedProcess;
  std::size_t newProcesses = 0;
  std::size_t changedProcesses = 0;
  for (const auto& [id, row] : processes) {
    const ProcessInfo& info = row->info;
    const std::string result = info.ended() ? info.result.dump() : std::string();
    const std::string error = info.error ? Json(*info.error).dump() : std::string();
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
    }
  }
  std::array<ArrayLiteral, 18> newTask;
  std::array<ArrayLiteral, 13> changedTask;
  std::size_t newTasks = 0;
  std::size_t changedTasks = 0;
  for (const auto& [id, row] : tasks) {
    if (taskIsNew[id]) {
      ++newTasks;
      auto& c = newTask;
      c[0].add(row->id);
      c[1].add(row->processId);
      c[2].add(specs[id]);
      c[3].add(std::int64_t{row->state});
      c[4].add(std::int64_t{row->promise});
      c[5].add(std::int64_t{row->attempt});
      c[6].add(std::int64_t{row->attemptBase});
      c[7].add(row->notBefore);
      c[8].add(row->leaseUntil);
      c[9].add(row->forwardTo);
      c[10].addTextOrNull(row->value);
      c[11].addTextOrNull(row->error);
      c[12].add(row->createdAt);
      c[13].add(row->readyAt);
      c[14].add(row->startedAt);
      c[15].add(row->endedAt);
      c[16].add(row->parentId);
      c[17].add(std::int64_t{row->seq});
    } else {
      ++changedTasks;
      auto& c = changedTask;
      c[0].add(row->id);
      c[1].add(std::int64_t{row->state});
      c[2].add(std::int64_t{row->promise});
      c[3].add(std::int64_t{row->attempt});
      c[4].add(std::int64_t{row->attemptBase});
      c[5].add(row->notBefore);
      c[6].add(row->leaseUntil);
      c[7].add(row->forwardTo);
      c[8].addTextOrNull(row->value);
      c[9].addTextOrNull(row->error);
      c[10].add(row->readyAt);
      c[11].add(row->startedAt);
      c[12].add(row->endedAt);
    }
  }

  writer_->run("commit", false, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    if (!fenceNode_.empty()) {
      // FOR KEY SHARE: the owner's renewals go on, a takeover (FOR UPDATE) waits for this commit.
      std::vector<int> wanted(written.begin(), written.end());
      pqxx::result held = tx.exec_params(
          "SELECT partition FROM partition_leases WHERE partition = ANY($1::int[]) AND owner = $2 "
          "AND expires_at > now() FOR KEY SHARE",
          intArray(wanted), fenceNode_);
      if (held.size() != wanted.size()) {
        std::set<int> missing(wanted.begin(), wanted.end());
        for (const auto& row : held) missing.erase(row[0].as<int>());
        throw Error(ErrorCode::Conflict,
                    fmt::format("{} no longer holds the lease of partition(s) {}; nothing of "
                                "this batch was written",
                                fenceNode_, fmt::join(missing, ", ")));
      }
    }
    if (newProcesses > 0) {
      auto& c = newProcess;
      tx.exec_params(fmt::format("INSERT INTO processes ({}) SELECT * FROM unnest($1::uuid[], $2::int[], "
                                 "$3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], "
                                 "$9::bigint[], $10::text[], $11::text[], $12::uuid[], $13::bigint[], $14::text[])",
                                 kProcessColumns),
                     c[0].str(), c[1].str(), c[2].str(), c[3].str(), c[4].str(), c[5].str(), c[6].str(),
                     c[7].str(), c[8].str(), c[9].str(), c[10].str(), c[11].str(), c[12].str(), c[13].str());
    }
    if (changedProcesses > 0) {
      auto& c = changedProcess;
      tx.exec_params(
          "UPDATE processes p SET state = u.state, ended_at = u.ended_at, result = u.result, "
          "error = u.error, failed_task = u.failed_task, wake_at = u.wake_at FROM unnest($1::uuid[], "
          "$2::int[], $3::bigint[], $4::text[], $5::text[], $6::uuid[], $7::bigint[]) AS u(id, state, "
          "ended_at, result, error, failed_task, wake_at) WHERE p.id = u.id",
          c[0].str(), c[1].str(), c[2].str(), c[3].str(), c[4].str(), c[5].str(), c[6].str());
    }
    if (newTasks > 0) {
      auto& c = newTask;
      tx.exec_params(fmt::format("INSERT INTO tasks ({}) SELECT * FROM unnest($1::uuid[], $2::uuid[], "
                                 "$3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::bigint[], "
                                 "$9::bigint[], $10::uuid[], $11::text[], $12::text[], $13::bigint[], "
                                 "$14::bigint[], $15::bigint[], $16::bigint[], $17::uuid[], $18::int[])",
                                 kTaskColumns),
                     c[0].str(), c[1].str(), c[2].str(), c[3].str(), c[4].str(), c[5].str(), c[6].str(),
                     c[7].str(), c[8].str(), c[9].str(), c[10].str(), c[11].str(), c[12].str(), c[13].str(),
                     c[14].str(), c[15].str(), c[16].str(), c[17].str());
    }
    if (changedTasks > 0) {
      auto& c = changedTask;
      tx.exec_params(
          "UPDATE tasks t SET state = u.state, promise = u.promise, attempt = u.attempt, "
          "attempt_base = u.attempt_base, not_before = u.not_before, lease_until = u.lease_until, "
          "forward_to = u.forward_to, value = u.value, error = u.error, ready_at = u.ready_at, "
          "started_at = u.started_at, ended_at = u.ended_at FROM unnest($1::uuid[], $2::int[], "
          "$3::int[], $4::int[], $5::int[], $6::bigint[], $7::bigint[], $8::uuid[], $9::text[], "
          "$10::text[], $11::bigint[], $12::bigint[], $13::bigint[]) AS u(id, state, promise, attempt, "
          "attempt_base, not_before, lease_until, forward_to, value, error, ready_at, started_at, "
          "ended_at) WHERE t.id = u.id",
          c[0].str(), c[1].str(), c[2].str(), c[3].str(), c[4].str(), c[5].str(), c[6].str(), c[7].str(),
          c[8].str(), c[9].str(), c[10].str(), c[11].str(), c[12].str());
    }
    tx.commit();
  });
}

LiveState PgStore::loadLive(std::int64_t horizon, const PartitionSet& partitions) {
  auto live = [&](std::string_view alias) {
    return fmt::format("{0}state IN ({1}, {2}) AND ({0}wake_at IS NULL OR {0}wake_at <= {3}){4}", alias,
                       storedState(ProcessState::Running), storedState(ProcessState::Broken), horizon,
                       partitionFilter(alias, partitions));
  };
  return reader_->run("load live processes", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    LiveState state;
    for (const auto& row : tx.exec(fmt::format("SELECT {} FROM processes WHERE {}", kProcessColumns, live("")))) {
      state.processes.push_back(readProcess(row));
    }
    std::string taskColumns;
    for (std::string_view column : {"id", "process_id", "spec", "state", "promise", "attempt", "attempt_base",
                                    "not_before", "lease_until", "forward_to", "value", "error", "created_at",
                                    "ready_at", "started_at", "ended_at", "parent_id", "seq"}) {
      taskColumns += fmt::format("{}t.{}", taskColumns.empty() ? "" : ", ", column);
    }
    for (const auto& row : tx.exec(fmt::format("SELECT {} FROM processes p JOIN tasks t ON t.process_id = p.id "
                                               "WHERE {} ORDER BY t.process_id, t.seq",
                                               taskColumns, live("p.")))) {
      state.tasks.push_back(readTask(row));
    }
    return state;
  });
}

std::vector<Uuid> PgStore::dormantDue(std::int64_t horizon, int limit, const PartitionSet& partitions) {
  return reader_->run("find dormant processes", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::vector<Uuid> ids;
    for (const auto& row : tx.exec_params(fmt::format("SELECT id FROM processes WHERE wake_at IS NOT NULL AND "
                                                      "wake_at <= $1{} ORDER BY wake_at LIMIT $2",
                                                      partitionFilter("", partitions)),
                                          horizon, limit)) {
      ids.push_back(*uuidOf(row[0]));
    }
    return ids;
  });
}

LiveState PgStore::loadProcesses(const std::vector<Uuid>& ids) {
  ArrayLiteral list;
  for (const Uuid& id : ids) list.add(id);
  return reader_->run("load processes", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    LiveState live;
    for (const auto& row : tx.exec_params(
             fmt::format("SELECT {} FROM processes WHERE id = ANY($1::uuid[])", kProcessColumns), list.str())) {
      live.processes.push_back(readProcess(row));
    }
    for (const auto& row : tx.exec_params(
             fmt::format("SELECT {} FROM tasks WHERE process_id = ANY($1::uuid[]) ORDER BY process_id, seq",
                         kTaskColumns),
             list.str())) {
      live.tasks.push_back(readTask(row));
    }
    return live;
  });
}

std::int64_t PgStore::countDormant() {
  return reader_->run("count dormant processes", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return tx.exec("SELECT COUNT(*) FROM processes WHERE wake_at IS NOT NULL")[0][0].as<std::int64_t>();
  });
}

std::optional<ProcessRow> PgStore::findProcess(const Uuid& id) {
  return reader_->run("find process", true, [&](pqxx::connection& connection) -> std::optional<ProcessRow> {
    pqxx::read_transaction tx(connection);
    pqxx::result rows =
        tx.exec_params(fmt::format("SELECT {} FROM processes WHERE id = $1", kProcessColumns), id.toString());
    if (rows.empty()) return std::nullopt;
    return readProcess(rows[0]);
  });
}

std::optional<Uuid> PgStore::findProcessByCustomId(const std::string& customId) {
  return reader_->run("find process by customId", true, [&](pqxx::connection& connection) -> std::optional<Uuid> {
    pqxx::read_transaction tx(connection);
    pqxx::result rows = tx.exec_params("SELECT id FROM processes WHERE custom_id = $1", customId);
    if (rows.empty()) return std::nullopt;
    return uuidOf(rows[0][0]);
  });
}

std::vector<std::optional<StartedProcess>> PgStore::findStarts(const std::vector<StartKey>& keys) {
  ArrayLiteral customIds;
  ArrayLiteral requestIds;
  for (const StartKey& key : keys) {
    if (key.customId) {
      customIds.add(*key.customId);
    } else if (key.requestId) {
      requestIds.add(*key.requestId);
    }
  }
  return reader_->run("find started processes", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::unordered_map<std::string, StartedProcess> byCustomId;
    std::unordered_map<std::string, StartedProcess> byRequestId;
    for (const auto& row : tx.exec_params("SELECT custom_id, id, start_task FROM processes WHERE custom_id = "
                                          "ANY($1::text[])",
                                          customIds.str())) {
      byCustomId.emplace(row[0].c_str(), StartedProcess{*uuidOf(row[1]), *uuidOf(row[2]), true});
    }
    for (const auto& row : tx.exec_params("SELECT request_id, id, start_task FROM processes WHERE request_id = "
                                          "ANY($1::text[])",
                                          requestIds.str())) {
      byRequestId.emplace(row[0].c_str(), StartedProcess{*uuidOf(row[1]), *uuidOf(row[2]), true});
    }
    std::vector<std::optional<StartedProcess>> found;
    for (const StartKey& key : keys) {
      const auto& index = key.customId ? byCustomId : byRequestId;
      const std::optional<std::string>& id = key.customId ? key.customId : key.requestId;
      auto it = id ? index.find(*id) : index.end();
      found.push_back(it == index.end() ? std::nullopt : std::optional<StartedProcess>(it->second));
    }
    return found;
  });
}

void PgStore::checkWritable() {
  writer_->run("check that writes succeed", false, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec("INSERT INTO meta (key, value) VALUES ('write_check', now()::text) ON CONFLICT (key) DO UPDATE SET "
            "value = excluded.value");
    tx.commit();
  });
}

std::optional<TaskRow> PgStore::findTask(const Uuid& id) {
  return reader_->run("find task", true, [&](pqxx::connection& connection) -> std::optional<TaskRow> {
    pqxx::read_transaction tx(connection);
    pqxx::result rows =
        tx.exec_params(fmt::format("SELECT {} FROM tasks WHERE id = $1", kTaskColumns), id.toString());
    if (rows.empty()) return std::nullopt;
    return readTask(rows[0]);
  });
}

std::vector<TaskRow> PgStore::processTasks(const Uuid& processId) {
  return reader_->run("read tasks", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::vector<TaskRow> rows;
    for (const auto& row : tx.exec_params(
             fmt::format("SELECT {} FROM tasks WHERE process_id = $1 ORDER BY seq", kTaskColumns),
             processId.toString())) {
      rows.push_back(readTask(row));
    }
    return rows;
  });
}

ProcessPage PgStore::listProcesses(const ProcessQuery& query) {
  PLEDGE_REQUIRE(query.limit >= 1 && query.limit <= 1000, "limit: must be 1 to 1000, got {}",
                 query.limit);
  std::optional<std::pair<std::int64_t, Uuid>> after;
  if (query.cursor) after = decodeProcessCursor(*query.cursor);
  // Absent filters are NULL parameters that match everything.
  const std::string sql = fmt::format(
      "SELECT {} FROM processes WHERE ($1::int IS NULL OR state = $1) AND ($2::text IS NULL OR actor = $2) "
      "AND ($3::text IS NULL OR custom_id = $3) AND ($4::bigint IS NULL OR started_at >= $4) "
      "AND ($5::bigint IS NULL OR started_at < $5) AND ($6::bigint IS NULL OR (started_at, id) < ($6, $7::uuid)) "
      "ORDER BY started_at DESC, id DESC LIMIT $8",
      kProcessColumns);
  std::optional<int> state;
  if (query.state) state = storedState(*query.state);
  std::optional<std::int64_t> afterStarted;
  std::optional<std::string> afterId;
  if (after) {
    afterStarted = after->first;
    afterId = after->second.toString();
  }
  return reader_->run("list processes", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    ProcessPage page;
    for (const auto& row : tx.exec_params(sql, state, query.actor, query.customId, query.startedAfter,
                                          query.startedBefore, afterStarted, afterId, query.limit + 1)) {
      if (static_cast<int>(page.items.size()) == query.limit) {
        const ProcessInfo& last = page.items.back();
        page.next = encodeProcessCursor(last.startedAt, last.processId);
        break;
      }
      page.items.push_back(readProcess(row).info);
    }
    return page;
  });
}

ProcessCounts PgStore::countProcesses() {
  return reader_->run("count processes", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    ProcessCounts counts;
    for (const auto& row : tx.exec("SELECT state, COUNT(*) FROM processes GROUP BY state")) {
      const auto count = row[1].as<std::int64_t>();
      switch (static_cast<ProcessState>(row[0].as<int>())) {
        case ProcessState::Running: counts.running = count; break;
        case ProcessState::Completed: counts.completed = count; break;
        case ProcessState::Broken: counts.broken = count; break;
        case ProcessState::Aborted: counts.aborted = count; break;
      }
    }
    return counts;
  });
}

void PgStore::setActorBlocked(const std::string& actor, bool blocked) {
  leases_->run("block actor", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params("INSERT INTO actors (actor, blocked) VALUES ($1, $2) ON CONFLICT (actor) DO UPDATE SET "
                   "blocked = excluded.blocked",
                   actor, blocked);
    tx.commit();
  });
}

std::vector<std::string> PgStore::blockedActors() {
  return reader_->run("read blocked actors", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::vector<std::string> actors;
    for (const auto& row : tx.exec("SELECT actor FROM actors WHERE blocked ORDER BY actor")) {
      actors.emplace_back(row[0].c_str());
    }
    return actors;
  });
}

// ---- cluster ------------------------------------------------------------------------------

std::vector<NodeRecord> PgStore::heartbeat(const std::string& node, const std::string& address,
                                           std::int64_t startedAt, std::int64_t aliveMs) {
  return leases_->run("heartbeat", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params("INSERT INTO nodes (name, address, started_at, heartbeat_at) VALUES ($1, $2, $3, now()) "
                   "ON CONFLICT (name) DO UPDATE SET address = excluded.address, started_at = "
                   "excluded.started_at, heartbeat_at = now()",
                   node, address, startedAt);
    // Nodes silent for an hour are forgotten.
    tx.exec("DELETE FROM nodes WHERE heartbeat_at < now() - interval '1 hour'");
    std::vector<NodeRecord> nodes;
    for (const auto& row : tx.exec(
             "SELECT name, address, started_at, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint "
             "FROM nodes ORDER BY name")) {
      NodeRecord record;
      record.name = row[0].c_str();
      record.address = row[1].c_str();
      record.startedAt = row[2].as<std::int64_t>();
      record.heartbeatAgeMs = row[3].as<std::int64_t>();
      record.alive = record.heartbeatAgeMs < aliveMs;
      nodes.push_back(std::move(record));
    }
    tx.commit();
    return nodes;
  });
}

std::vector<int> PgStore::renewLeases(const std::string& owner, std::int64_t leaseMs) {
  return leases_->run("renew leases", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    std::vector<int> held;
    for (const auto& row : tx.exec_params(
             "UPDATE partition_leases SET expires_at = now() + $2 * interval '1 millisecond' "
             "WHERE owner = $1 AND expires_at > now() RETURNING partition",
             owner, leaseMs)) {
      held.push_back(row[0].as<int>());
    }
    tx.commit();
    std::sort(held.begin(), held.end());
    return held;
  });
}

std::vector<int> PgStore::acquireLeases(const std::string& owner, int count, std::int64_t leaseMs) {
  if (count <= 0) return {};
  return leases_->run("acquire leases", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    // SKIP LOCKED passes over partitions a commit of their owner still holds (FOR KEY SHARE):
    // they are taken on a later round, after that commit. Leases of an earlier run of this node
    // (same name, so that run is gone) are taken at once, without waiting for their expiry.
    const std::string earlierRuns = owner.substr(0, owner.rfind('#') + 1);
    pqxx::result taken = tx.exec_params(
        "WITH candidates AS ("
        "  SELECT partition, epoch AS old_epoch, expires_at AS old_expires FROM partition_leases "
        "  WHERE owner IS NULL OR expires_at <= now() "
        "     OR ($4 <> '' AND owner <> $1 AND starts_with(owner, $4)) "
        "  ORDER BY partition LIMIT $2 FOR UPDATE SKIP LOCKED), "
        "taken AS ("
        "  UPDATE partition_leases l SET owner = $1, epoch = l.epoch + 1, "
        "  expires_at = now() + $3 * interval '1 millisecond' FROM candidates c "
        "  WHERE l.partition = c.partition RETURNING l.partition, l.epoch, c.old_epoch, c.old_expires), "
        "closed AS ("
        "  UPDATE lease_history h SET ended_at = LEAST(t.old_expires, now()) FROM taken t "
        "  WHERE h.partition = t.partition AND h.epoch = t.old_epoch AND h.ended_at IS NULL RETURNING 1), "
        "opened AS ("
        "  INSERT INTO lease_history (partition, epoch, owner, acquired_at) "
        "  SELECT partition, epoch, $1, now() FROM taken RETURNING 1) "
        "SELECT partition FROM taken ORDER BY partition",
        owner, count, leaseMs, earlierRuns);
    tx.commit();
    std::vector<int> partitions;
    for (const auto& row : taken) partitions.push_back(row[0].as<int>());
    return partitions;
  });
}

void PgStore::releaseLeases(const std::string& owner, const std::vector<int>& partitions) {
  if (partitions.empty()) return;
  leases_->run("release leases", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params(
        "WITH freed AS (UPDATE partition_leases SET owner = NULL, expires_at = now() "
        "  WHERE owner = $1 AND partition = ANY($2::int[]) RETURNING partition, epoch) "
        "UPDATE lease_history h SET ended_at = now() FROM freed f "
        "WHERE h.partition = f.partition AND h.epoch = f.epoch AND h.ended_at IS NULL",
        owner, intArray(partitions));
    tx.commit();
  });
}

void PgStore::leave(const std::string& node, const std::string& owner) {
  leases_->run("leave the cluster", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params(
        "WITH freed AS (UPDATE partition_leases SET owner = NULL, expires_at = now() "
        "  WHERE owner = $1 RETURNING partition, epoch) "
        "UPDATE lease_history h SET ended_at = now() FROM freed f "
        "WHERE h.partition = f.partition AND h.epoch = f.epoch AND h.ended_at IS NULL",
        owner);
    tx.exec_params("DELETE FROM nodes WHERE name = $1", node);
    tx.commit();
  });
}

std::vector<LeaseRecord> PgStore::leases() {
  return leases_->run("read leases", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::vector<LeaseRecord> leases;
    for (const auto& row : tx.exec(
             "SELECT partition, owner, epoch, (extract(epoch FROM expires_at - now()) * 1000)::bigint "
             "FROM partition_leases ORDER BY partition")) {
      LeaseRecord lease;
      lease.partition = row[0].as<int>();
      if (!row[1].is_null()) lease.owner = row[1].c_str();
      lease.epoch = row[2].as<std::int64_t>();
      lease.expiresInMs = row[3].as<std::int64_t>();
      leases.push_back(std::move(lease));
    }
    return leases;
  });
}

std::vector<Tenure> PgStore::tenures() {
  return reader_->run("read lease history", true, [&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::vector<Tenure> tenures;
    for (const auto& row : tx.exec(
             "SELECT partition, epoch, owner, (extract(epoch FROM acquired_at) * 1000000)::bigint, "
             "(extract(epoch FROM ended_at) * 1000000)::bigint FROM lease_history ORDER BY partition, epoch")) {
      Tenure tenure;
      tenure.partition = row[0].as<int>();
      tenure.epoch = row[1].as<std::int64_t>();
      tenure.owner = row[2].c_str();
      tenure.acquiredAtUs = row[3].as<std::int64_t>();
      if (!row[4].is_null()) tenure.endedAtUs = row[4].as<std::int64_t>();
      tenures.push_back(std::move(tenure));
    }
    return tenures;
  });
}

}  // namespace pledge::server
