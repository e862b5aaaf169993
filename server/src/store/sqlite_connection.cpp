#include "store/sqlite_connection.h"

#include <fmt/format.h>

#include <mutex>

#include "pledge/error.h"

namespace pledge::server::sqlite {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw Error(ErrorCode::Internal, fmt::format("SQLite: {}: {}", what,
                                               db != nullptr ? sqlite3_errmsg(db) : "no handle"));
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw Error(ErrorCode::Internal, fmt::format("SQLite: {}: {}", sql, text));
  }
}

std::array<unsigned char, 16> uuidBytes(const Uuid& id) {
  std::array<unsigned char, 16> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(id.high() >> (56 - 8 * i));
    bytes[8 + i] = static_cast<unsigned char>(id.low() >> (56 - 8 * i));
  }
  return bytes;
}

sqlite3* openConnection(const std::string& path) {
  // No memory statistics: with them on (SQLite's default) every allocation and free takes a
  // global mutex, about 1.4% of the server's time on the chain benchmark. Only possible before
  // SQLite initializes; if something in the process initialized it first, it stays on.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw Error(ErrorCode::Internal, fmt::format("cannot open {}: {}", path, message));
  }
  sqlite3_busy_timeout(db, 10'000);
  // WAL with synchronous=FULL: a commit that returned survives power loss. Memory-mapped reads
  // keep B-tree pages out of pread; a larger WAL checkpoints less often. The page cache stays at
  // 8 MiB: SQLite 3.40 walks the cache's hash table at the end of every write transaction
  // (pcache1TruncateUnsafe), which at 64 MiB took 7% of the server's time under load.
  exec(db,
       "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; "
       "PRAGMA cache_size=-8192; PRAGMA mmap_size=268435456; PRAGMA wal_autocheckpoint=8000; "
       "PRAGMA temp_store=MEMORY;");
  return db;
}

}  // namespace pledge::server::sqlite
