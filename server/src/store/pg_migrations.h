// The schema of the PostgreSQL store and its migrations. Private to store/.
#pragma once

#include <pqxx/pqxx>
#include <string>

namespace pledge::server::pg {

// The schema version this build writes.
int schemaVersion();

// Brings the schema of the database at url (for messages) to schemaVersion() within tx, under
// an advisory lock, so that nodes starting at once take turns. Throws pledge::Error when the
// database holds a newer schema than this build knows.
void applyMigrations(pqxx::work& tx, const std::string& url);

// Takes the lock migrations run under, until tx ends.
void lockMigrations(pqxx::work& tx);

}  // namespace pledge::server::pg
