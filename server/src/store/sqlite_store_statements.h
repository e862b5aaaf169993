// The statements SqliteStore prepares once: the writer connection's (commit) and the reader
// connection's start lookups (findStarts). Private to store/.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>

#include "pledge/server/store/sqlite_store.h"
#include "store/sqlite_connection.h"
#include "store/stored_rows.h"

namespace pledge::server {

namespace sqlite {
// " AND <alias>partition IN (...)", or nothing for every partition.
std::string partitionFilter(std::string_view alias, const PartitionSet& partitions);
}  // namespace sqlite

// The start lookups of the reader connection, prepared once (findStarts).
struct SqliteStore::StartLookups {
  std::unique_ptr<sqlite::Statement> byCustomId;
  std::unique_ptr<sqlite::Statement> byRequestId;
};

// The statements of the writer connection, prepared once.
class SqliteStore::Statements {
 public:
  explicit Statements(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT"),
        rollback(db, "ROLLBACK"),
        insertProcess(
            db, fmt::format("INSERT INTO processes ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            rows::kProcessColumns)),
        updateProcess(db,
                      "UPDATE processes SET state = ?2, ended_at = ?3, result = ?4, error = ?5, "
                      "failed_task = ?6, wake_at = ?7, paused = ?8 WHERE id = ?1"),
        insertTag(db,
                  "INSERT INTO process_tags (process_id, key, value, started_at) "
                  "VALUES (?, ?, ?, ?)"),
        appendJournal(db, "INSERT INTO journal (process_id, seq, record) VALUES (?, ?, ?)"),
        insertTaskId(db, "INSERT INTO task_ids (id, process_id) VALUES (?, ?)"),
        readJournal(db, "SELECT record FROM journal WHERE process_id = ? ORDER BY seq"),
        deleteJournal(db, "DELETE FROM journal WHERE process_id = ?") {}

  sqlite::Statement begin;
  sqlite::Statement commit;
  sqlite::Statement rollback;
  sqlite::Statement insertProcess;
  sqlite::Statement updateProcess;
  sqlite::Statement insertTag;
  sqlite::Statement appendJournal;
  sqlite::Statement insertTaskId;
  sqlite::Statement readJournal;
  sqlite::Statement deleteJournal;
};

}  // namespace pledge::server
