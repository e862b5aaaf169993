#include "pledge/server/store/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "pledge/error.h"
#include "pledge/json.h"
#include "pledge/server/store/journal.h"
#include "store/schema_checks.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_events.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_store_statements.h"
#include "store/stored_rows.h"

namespace pledge::server {

using rows::storedState;
using sqlite::exec;
using sqlite::openConnection;
using sqlite::Statement;

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
    requireStoredPartitions(partitions_, partitions, path);
    sqlite::convertToJournal(writer_);
    if (!durable) exec(writer_, "PRAGMA synchronous=OFF");
    startJournal();
    snapshots_ = std::make_unique<journal::SnapshotCounter>();
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

EventAnswers SqliteStore::commit(const WriteBatch& batch) {
  if (batch.empty()) return {};
  EventAnswers answers;
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
        insert.bind(15, std::int64_t{info.paused ? 1 : 0});
        insert.bindOptionalText(16, rows::storedTags(info.tags));
        if (info.deadline) {
          insert.bind(17, *info.deadline);
        } else {
          insert.bindNull(17);
        }
        insert.run();
        for (const auto& [key, value] : info.tags) {
          s.insertTag.bind(1, info.processId).bind(2, key).bind(3, value).bind(4, info.startedAt);
          s.insertTag.run();
        }
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
        update.bind(8, std::int64_t{info.paused ? 1 : 0});
        update.run();
      }
    }
    writeTasks(batch);
    answers = sqlite::applyEventOps(writer_, batch.events);
    s.commit.run();
  } catch (...) {
    s.insertProcess.reset();
    s.updateProcess.reset();
    s.insertTag.reset();
    s.appendJournal.reset();
    s.insertTaskId.reset();
    s.readJournal.reset();
    s.deleteJournal.reset();
    s.commit.reset();
    rollbackQuietly();
    throw;
  }
  return answers;
}

std::vector<EventDeliveryRow> SqliteStore::pendingDeliveries(const PartitionSet& partitions,
                                                             int limit) {
  std::lock_guard lock(readMutex_);
  return sqlite::pendingDeliveries(reader_, partitions, limit);
}

std::vector<KeptEvent> SqliteStore::keptEvents(const std::optional<std::string>& name,
                                               std::int64_t now, int limit) {
  std::lock_guard lock(readMutex_);
  return sqlite::keptEvents(reader_, name, now, limit);
}

std::int64_t SqliteStore::expireEvents(std::int64_t now, std::int64_t idsBefore) {
  std::lock_guard lock(writeMutex_);
  Statements& s = *writeStatements_;
  s.begin.run();
  try {
    std::int64_t expired = sqlite::expireEvents(writer_, now, idsBefore);
    s.commit.run();
    return expired;
  } catch (...) {
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
        .bind(1, std::to_string(rows::nowMs()))
        .run();
    s.commit.run();
  } catch (...) {
    s.commit.reset();
    rollbackQuietly();
    throw;
  }
}

void SqliteStore::setActorBlocked(const std::string& actor, bool blocked) {
  std::lock_guard lock(writeMutex_);
  Statement upsert(writer_,
                   "INSERT INTO actors (actor, blocked) VALUES (?1, ?2) "
                   "ON CONFLICT (actor) DO UPDATE SET blocked = excluded.blocked");
  upsert.bind(1, actor).bind(2, std::int64_t{blocked ? 1 : 0}).run();
}

}  // namespace pledge::server
