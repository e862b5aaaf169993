#include "store/sqlite_migrations.h"

#include <fmt/format.h>

#include <array>

#include "store/schema_checks.h"
#include "store/sqlite_connection.h"

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
    // 5: events (docs/events.md): waiting event tasks, deliveries not yet applied, events kept
    // for a waiter to come, and the ids of delivered events.
    R"sql(
CREATE TABLE event_waits (
  task_id BLOB NOT NULL,
  process_id BLOB NOT NULL,
  partition INTEGER NOT NULL,
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  UNIQUE (task_id, name)
);
CREATE INDEX event_waits_by_key ON event_waits (name, key);
CREATE INDEX event_waits_by_process ON event_waits (process_id);
CREATE TABLE event_deliveries (
  task_id BLOB PRIMARY KEY,
  process_id BLOB NOT NULL,
  partition INTEGER NOT NULL,
  name TEXT NOT NULL,
  payload TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE kept_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  event_id TEXT,
  process_id BLOB,
  payload TEXT NOT NULL,
  kept_at INTEGER NOT NULL,
  kept_until INTEGER NOT NULL
);
CREATE INDEX kept_events_by_key ON kept_events (name, key, seq);
CREATE INDEX kept_events_by_process ON kept_events (process_id) WHERE process_id IS NOT NULL;
CREATE INDEX kept_events_by_expiry ON kept_events (kept_until);
CREATE TABLE event_ids (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  resolved INTEGER NOT NULL,
  kept INTEGER NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX event_ids_by_time ON event_ids (at);
)sql",
    // 6: workflow definitions (docs/workflows.md).
    R"sql(
CREATE TABLE workflows (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
)sql",
    // 7: paused processes (docs/operations.md): their tasks are held back until resumed.
    R"sql(
ALTER TABLE processes ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
CREATE INDEX processes_paused ON processes (started_at) WHERE paused = 1;
)sql",
    // 8: schedules (docs/operations.md "Schedules"): the definition, the fire state and the
    // latest fires; revision makes every update a compare and set.
    R"sql(
CREATE TABLE schedules (
  id TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  paused INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  next_fire_at INTEGER,
  last_fire_at INTEGER,
  last_process_id BLOB,
  buffered_fire_at INTEGER,
  recent TEXT NOT NULL,
  revision INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 9: retention (docs/operations.md "Retention") finds ended processes by when they ended;
    // the condition is rows::endedCondition's (completed = 1, aborted = 3).
    R"sql(
CREATE INDEX processes_ended ON processes (ended_at) WHERE state IN (1, 3);
)sql",
    // 10: limits per actor and task list (docs/operations.md, "Limits"); NULL: no bound.
    R"sql(
CREATE TABLE limits (
  actor TEXT NOT NULL,
  task_list TEXT NOT NULL,
  max_running INTEGER,
  per_second REAL,
  burst INTEGER,
  PRIMARY KEY (actor, task_list)
) WITHOUT ROWID;
)sql",
    // 11: tags (docs/operations.md): the JSON object read back with the process (NULL when it has
    // none), and one row per tag, written with the new process row, that listing by tag walks
    // newest first.
    R"sql(
ALTER TABLE processes ADD COLUMN tags TEXT;
CREATE TABLE process_tags (
  process_id BLOB NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (process_id, key)
) WITHOUT ROWID;
CREATE INDEX process_tags_by_value ON process_tags (key, value, started_at DESC, process_id DESC);
)sql",
    // 12: the process deadline (docs/operations.md "Timeouts"), epoch ms, NULL for none; written
    // with the new process row and never changed, so that an ended or dormant process read from
    // the store answers it too.
    R"sql(
ALTER TABLE processes ADD COLUMN deadline_at INTEGER;
)sql",
    // 13: the journal (docs/journal-store.md): a process's tasks as records, one per commit that
    // changed them; task_ids finds a task's process. The tasks table is converted into it when the
    // store opens (sqlite::convertToJournal), then dropped. seq is the rowid: records are
    // appended at the table's right edge, and only the narrow index takes keys in process order
    // (keyed by (process_id, seq) itself, the table cost chain runs 10% more server CPU).
    R"sql(
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY,
  process_id BLOB NOT NULL,
  record BLOB NOT NULL
);
CREATE INDEX journal_by_process ON journal (process_id, seq);
CREATE TABLE task_ids (id BLOB PRIMARY KEY, process_id BLOB NOT NULL) WITHOUT ROWID;
)sql",
};

}  // namespace

namespace sqlite {

int schemaVersion() { return static_cast<int>(kMigrations.size()); }

void applyMigrations(sqlite3* db, const std::string& path) {
  // Migrations run in one transaction each, so a crash leaves a consistent version.
  exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  int version = 0;
  {
    Statement read(db, "SELECT version FROM schema_version");
    if (read.step()) version = static_cast<int>(read.integer(0));
  }
  requireKnownSchema(version, schemaVersion(), path);
  for (int next = version; next < schemaVersion(); ++next) {
    exec(db, "BEGIN IMMEDIATE");
    exec(db, kMigrations[static_cast<std::size_t>(next)]);
    exec(db, "DELETE FROM schema_version");
    exec(db, fmt::format("INSERT INTO schema_version VALUES ({})", next + 1).c_str());
    exec(db, "COMMIT");
  }
}

}  // namespace sqlite
}  // namespace pledge::server
