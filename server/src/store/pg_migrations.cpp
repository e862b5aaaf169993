#include "store/pg_migrations.h"

#include <array>
#include <cstdint>

#include "pledge/server/store/pg_store.h"
#include "store/schema_checks.h"

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
    // 3: events (docs/events.md): waiting event tasks, deliveries not yet applied, events kept
    // for a waiter to come, and the ids of delivered events.
    R"sql(
CREATE TABLE event_waits (
  task_id UUID NOT NULL,
  process_id UUID NOT NULL,
  partition INTEGER NOT NULL,
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  seq BIGSERIAL,
  PRIMARY KEY (task_id, name)
);
CREATE INDEX event_waits_by_key ON event_waits (name, key);
CREATE INDEX event_waits_by_process ON event_waits (process_id);
CREATE TABLE event_deliveries (
  task_id UUID PRIMARY KEY,
  process_id UUID NOT NULL,
  partition INTEGER NOT NULL,
  name TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX event_deliveries_by_partition ON event_deliveries (partition);
CREATE TABLE kept_events (
  seq BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  event_id TEXT,
  process_id UUID,
  payload TEXT NOT NULL,
  kept_at BIGINT NOT NULL,
  kept_until BIGINT NOT NULL
);
CREATE INDEX kept_events_by_key ON kept_events (name, key, seq);
CREATE INDEX kept_events_by_process ON kept_events (process_id) WHERE process_id IS NOT NULL;
CREATE INDEX kept_events_by_expiry ON kept_events (kept_until);
CREATE TABLE event_ids (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  resolved INTEGER NOT NULL,
  kept BOOLEAN NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX event_ids_by_time ON event_ids (at);
)sql",
    // 4: workflow definitions (docs/workflows.md).
    R"sql(
CREATE TABLE workflows (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);
)sql",
    // 5: paused processes (docs/operations.md): their tasks are held back until resumed.
    R"sql(
ALTER TABLE processes ADD COLUMN paused INT NOT NULL DEFAULT 0;
CREATE INDEX processes_paused ON processes (started_at) WHERE paused = 1;
)sql",
    // 6: schedules (docs/operations.md "Schedules"): the definition, the fire state and the
    // latest fires; revision makes every update a compare and set.
    R"sql(
CREATE TABLE schedules (
  id TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  paused INT NOT NULL,
  created_at BIGINT NOT NULL,
  next_fire_at BIGINT,
  last_fire_at BIGINT,
  last_process_id UUID,
  buffered_fire_at BIGINT,
  recent TEXT NOT NULL,
  revision BIGINT NOT NULL
);
)sql",
    // 7: retention (docs/operations.md "Retention") finds ended processes by when they ended;
    // the condition is rows::endedCondition's (completed = 1, aborted = 3).
    R"sql(
CREATE INDEX processes_ended ON processes (ended_at) WHERE state IN (1, 3);
)sql",
    // 8: limits per actor and task list (docs/operations.md, "Limits"); NULL: no bound.
    R"sql(
CREATE TABLE limits (
  actor TEXT NOT NULL,
  task_list TEXT NOT NULL,
  max_running BIGINT,
  per_second DOUBLE PRECISION,
  burst BIGINT,
  PRIMARY KEY (actor, task_list)
);
)sql",
    // 9: tags (docs/operations.md): the JSON object read back with the process (NULL when it has
    // none), and one row per tag, written with the new process row, that listing by tag walks
    // newest first.
    R"sql(
ALTER TABLE processes ADD COLUMN tags TEXT;
CREATE TABLE process_tags (
  process_id UUID NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  PRIMARY KEY (process_id, key)
);
CREATE INDEX process_tags_by_value ON process_tags (key, value, started_at DESC, process_id DESC);
)sql",
    // 10: the process deadline (docs/operations.md "Timeouts"), epoch ms, NULL for none; written
    // with the new process row and never changed, so that an ended or dormant process read from
    // the store answers it too.
    R"sql(
ALTER TABLE processes ADD COLUMN deadline_at BIGINT;
)sql",
    // 11: the journal (docs/journal-store.md): a process's tasks as records, one per commit that
    // changed them, numbered by one sequence for every node (no cache: a process that moves to
    // another node keeps its order); task_ids finds a task's process. The tasks table is
    // converted into it when a node opens the store (pg::convertToJournal), then dropped.
    R"sql(
CREATE TABLE journal (
  process_id UUID NOT NULL,
  seq BIGINT NOT NULL,
  record BYTEA NOT NULL,
  PRIMARY KEY (process_id, seq)
);
CREATE SEQUENCE journal_seq CACHE 1;
CREATE TABLE task_ids (id UUID PRIMARY KEY, process_id UUID NOT NULL);
)sql",
    // 12: journal records compressed with lz4 where the server was built with it (PostgreSQL's
    // default, pglz, was 13% of the writer backend's CPU: a decision record of a 12-task fanout
    // is 3.2 KB, over the 2 KB at which PostgreSQL compresses). Records written before keep
    // their compression; PostgreSQL reads both.
    R"sql(
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'
             AND 'lz4' = ANY(enumvals)) THEN
    ALTER TABLE journal ALTER COLUMN record SET COMPRESSION lz4;
  END IF;
END
$$;
)sql",
    // 13: the lease check of a commit as one statement that fails the transaction (SQLSTATE
    // PLD01, pg::kLeaseLost) unless the node holds every lease it writes under, so that a commit
    // can go out at once (pg_pipeline.h). FOR KEY SHARE: renewals go on, a takeover (FOR UPDATE)
    // waits for the commit.
    R"sql(
CREATE OR REPLACE FUNCTION pledge_hold_leases(wanted INTEGER[], node TEXT) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
  held INTEGER[];
BEGIN
  SELECT coalesce(array_agg(l.partition), '{}') INTO held FROM (
    SELECT partition FROM partition_leases
    WHERE partition = ANY(wanted) AND owner = node AND expires_at > now() FOR KEY SHARE) l;
  IF cardinality(held) < cardinality(wanted) THEN
    RAISE EXCEPTION USING ERRCODE = 'PLD01', MESSAGE = format(
      '%s no longer holds the lease of partition(s) %s; nothing of this batch was written',
      node, array_to_string(ARRAY(SELECT unnest(wanted) EXCEPT SELECT unnest(held) ORDER BY 1),
                            ', '));
  END IF;
END
$$;
)sql",
    // 14: customId unique through a partial index: most processes have none, and the UNIQUE
    // constraint's index took an entry for each of them at the insert and again at every update
    // that changes an indexed column (a process's end: state is indexed, so it is never HOT).
    // Lookups by custom_id = ... imply IS NOT NULL and use it. Building it reads the table once.
    R"sql(
CREATE UNIQUE INDEX IF NOT EXISTS processes_by_custom_id ON processes (custom_id)
  WHERE custom_id IS NOT NULL;
DO $$
DECLARE
  name TEXT;
BEGIN
  SELECT c.conname INTO name FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
    WHERE c.conrelid = 'processes'::regclass AND c.contype = 'u' AND a.attname = 'custom_id'
      AND cardinality(c.conkey) = 1;
  IF name IS NOT NULL THEN
    EXECUTE format('ALTER TABLE processes DROP CONSTRAINT %I', name);
  END IF;
END
$$;
)sql",
    // 15: a process's end as a HOT update (docs/journal-store.md, "The ninth round: HOT ends on
    // PostgreSQL"). No index of processes names state or ended_at any more: the processes that
    // are not completed (running, broken, aborted), by state and newest first, are in
    // process_states, and the ended ones by when they ended in process_ends; the commit keeps
    // both (pg_process_lists.h). fillfactor 50 leaves each page room for its rows' ends; it
    // applies to pages written after. The lease check is renamed so that a node of a version
    // before, which would write processes without their list rows, fails its commits instead
    // (docs/operations.md, "Upgrades").
    R"sql(
CREATE TABLE IF NOT EXISTS process_states (
  state INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  id UUID NOT NULL,
  partition INTEGER NOT NULL,
  PRIMARY KEY (state, started_at, id)
);
CREATE TABLE IF NOT EXISTS process_ends (
  ended_at BIGINT NOT NULL,
  id UUID NOT NULL,
  partition INTEGER NOT NULL,
  PRIMARY KEY (ended_at, id)
);
INSERT INTO process_states SELECT state, started_at, id, partition FROM processes
  WHERE state <> 1 ON CONFLICT DO NOTHING;
INSERT INTO process_ends SELECT coalesce(ended_at, started_at), id, partition FROM processes
  WHERE state IN (1, 3) ON CONFLICT DO NOTHING;
DROP INDEX IF EXISTS processes_by_state;
DROP INDEX IF EXISTS processes_live;
DROP INDEX IF EXISTS processes_ended;
ALTER TABLE processes SET (fillfactor = 50);
DROP FUNCTION IF EXISTS pledge_fence_commit(INTEGER[], TEXT);
ALTER FUNCTION pledge_hold_leases(INTEGER[], TEXT) RENAME TO pledge_fence_commit;
)sql",
    // 16: the lease check as one SQL statement (pg::holdLeases) that calls PL/pgSQL only to fail:
    // the call of pledge_fence_commit took 0.06 to 0.14 ms of every commit. This function says
    // which leases are missing and fails the transaction (SQLSTATE PLD01, pg::kLeaseLost).
    // pledge_fence_commit stays for the nodes of schema 15 still running.
    R"sql(
CREATE OR REPLACE FUNCTION pledge_lease_lost(wanted INTEGER[], node TEXT) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
  missing TEXT;
BEGIN
  SELECT string_agg(w::text, ', ' ORDER BY w) INTO missing FROM unnest(wanted) w
    WHERE NOT EXISTS (SELECT 1 FROM partition_leases l WHERE l.partition = w AND
                      l.owner = node AND l.expires_at > now());
  RAISE EXCEPTION USING ERRCODE = 'PLD01', MESSAGE = format(
    '%s no longer holds the lease of partition(s) %s; nothing of this batch was written',
    node, coalesce(missing, array_to_string(wanted, ', ')));
END
$$;
)sql",
    // 17: the indexes by start time in ascending order, read backwards for newest first: a new
    // process then goes to the right edge of processes_by_start, where PostgreSQL inserts without
    // a descent from the root and splits pages 90/10 (in descending order it went to the left
    // edge and split them in halves: twice the pages). The text keys compare bytewise (COLLATE
    // "C"): with the database's locale each comparison in their indexes called strcoll. Only
    // equality reads them, which no collation changes. docs/journal-store.md, "The tenth round".
    R"sql(
DROP INDEX IF EXISTS processes_by_start;
DROP INDEX IF EXISTS processes_by_actor;
DROP INDEX IF EXISTS process_tags_by_value;
ALTER TABLE processes ALTER COLUMN actor TYPE TEXT COLLATE "C",
  ALTER COLUMN custom_id TYPE TEXT COLLATE "C", ALTER COLUMN request_id TYPE TEXT COLLATE "C";
ALTER TABLE process_tags ALTER COLUMN key TYPE TEXT COLLATE "C",
  ALTER COLUMN value TYPE TEXT COLLATE "C";
CREATE INDEX processes_by_start ON processes (started_at, id);
CREATE INDEX processes_by_actor ON processes (actor, started_at, id);
CREATE INDEX process_tags_by_value ON process_tags (key, value, started_at, process_id);
)sql",
    // 18: a running process is listed in process_states only once it has run past its
    // partition's horizon (pg_process_lists.h); most end before and are never listed. Every
    // process stored before has its row: the horizons start at the database's clock.
    R"sql(
CREATE TABLE process_horizons (partition INTEGER PRIMARY KEY, listed_before BIGINT NOT NULL);
INSERT INTO process_horizons (partition, listed_before) SELECT partition, (extract(epoch FROM
  clock_timestamp()) * 1000)::bigint FROM partition_leases;
)sql",
};

// Any key: the migrations of concurrently starting nodes run one after another.
constexpr std::int64_t kMigrationLock = 0x706c656467650001;

}  // namespace

namespace pg {

int schemaVersion() { return static_cast<int>(kMigrations.size()); }

void lockMigrations(pqxx::work& tx) {
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
}

void applyMigrations(pqxx::work& tx, const std::string& url) {
  lockMigrations(tx);
  tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  pqxx::result version = tx.exec("SELECT version FROM schema_version");
  const int current = version.empty() ? 0 : version[0][0].as<int>();
  requireKnownSchema(current, schemaVersion(), PgStore::redact(url));
  for (int next = current; next < schemaVersion(); ++next) {
    tx.exec(kMigrations[static_cast<std::size_t>(next)]);
  }
  if (current != schemaVersion()) {
    tx.exec("DELETE FROM schema_version");
    tx.exec_params("INSERT INTO schema_version VALUES ($1)", schemaVersion());
  }
}

}  // namespace pg
}  // namespace pledge::server
