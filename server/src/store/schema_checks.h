// What both stores check when they open a database: that its schema is one this build knows, and
// that it holds the partition count asked for. Private to store/.
//
//   requireKnownSchema(stored, schemaVersion(), path);  // then apply the migrations after stored
#pragma once

#include <string_view>

namespace pledge::server {

// Throws pledge::Error (Internal, saying to use a newer build) when the schema version stored in
// database (its file or redacted URL, for the message) is newer than known, the version this
// build writes.
void requireKnownSchema(int stored, int known, std::string_view database);

// Throws pledge::Error (Internal, saying how to start instead) when database holds another
// partition count than the one asked for.
void requireStoredPartitions(int stored, int asked, std::string_view database);

}  // namespace pledge::server
