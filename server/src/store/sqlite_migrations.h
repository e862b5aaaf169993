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

}  // namespace pledge::server::sqlite
