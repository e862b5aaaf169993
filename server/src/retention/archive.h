// The retention archive: one JSON line per deleted process, appended to a file per UTC day and
// synced to disk before the rows go. Private to retention/.
//
//   appendDurably(archivePath("/var/pledge/archive", now), lines);   // throws pledge::Error
#pragma once

#include <cstdint>
#include <string>

namespace pledge::server::retention {

// <dir>/archiveFileName(now).
std::string archivePath(const std::string& dir, std::int64_t now);

// Appends text to the file at path (created when absent) in one write, then syncs the file (and
// its folder, when the file is new) to disk. Throws pledge::Error(Internal) saying what failed;
// text may then be in the file in part or whole, never reported as written.
void appendDurably(const std::string& path, const std::string& text);

}  // namespace pledge::server::retention
