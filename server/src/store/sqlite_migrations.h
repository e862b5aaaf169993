// The schema of the SQLite store and its migrations. Private to store/.
#pragma once

#include <string>

struct sqlite3;

namespace pledge::server::sqlite {

// The schema version this build writes.
int schemaVersion();

// Brings the schema of db (the file at path, for messages) to schemaVersion(), one transaction
// per migration. Throws pledge::Error when the file holds a newer schema than this build knows.
void applyMigrations(sqlite3* db, const std::string& path);

// Moves what the tasks table of a store older than the journal holds into journal records (a
// snapshot per process) and task_ids, 1,000 processes per transaction, then drops the table. A
// conversion that stops (kill -9, a full disk) resumes where it stopped: each transaction deletes
// the rows it converted. Nothing to do for a store without the table.
void convertToJournal(sqlite3* db);

}  // namespace pledge::server::sqlite
