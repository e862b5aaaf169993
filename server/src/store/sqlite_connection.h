// A connection to the SQLite file, its prepared statements, and how SQLite's errors become
// pledge::Error. Private to store/.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pledge/uuid.h"

namespace pledge::server::sqlite {

// Throws pledge::Error(Internal) with what failed and SQLite's message of db.
[[noreturn]] void fail(sqlite3* db, const std::string& what);

// Runs sql (one or more statements); throws pledge::Error(Internal) when it fails.
void exec(sqlite3* db, const char* sql);

// The 16 bytes of id as stored, big-endian, so that blobs sort like the ids.
std::array<unsigned char, 16> uuidBytes(const Uuid& id);

// Opens (creating when absent) the database file at path in WAL mode with durable commits.
// Throws pledge::Error(Internal) when it cannot.
sqlite3* openConnection(const std::string& path);

// A prepared statement; reset after each use. Not copyable; used under its connection's mutex.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement_, nullptr) != SQLITE_OK) {
      fail(db, "prepare " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_, index, value));
    return *this;
  }
  Statement& bind(int index, const std::string& text) {
    check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  // Bound without a copy: bytes must outlive the statement's next step.
  Statement& bindBlob(int index, std::string_view bytes) {
    check(sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_STATIC));
    return *this;
  }
  Statement& bindOptionalText(int index, const std::string& text) {
    if (text.empty()) {
      check(sqlite3_bind_null(statement_, index));
      return *this;
    }
    return bind(index, text);
  }
  Statement& bind(int index, const Uuid& id) {
    auto bytes = uuidBytes(id);
    check(sqlite3_bind_blob(statement_, index, bytes.data(), 16, SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int index, const std::optional<Uuid>& id) {
    if (!id) {
      check(sqlite3_bind_null(statement_, index));
      return *this;
    }
    return bind(index, *id);
  }
  Statement& bind(int index, double value) {
    check(sqlite3_bind_double(statement_, index, value));
    return *this;
  }
  Statement& bindNull(int index) {
    check(sqlite3_bind_null(statement_, index));
    return *this;
  }

  // Steps once; true while a row is available.
  bool step() {
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "step");
  }
  void run() {
    try {
      step();
    } catch (...) {
      reset();
      throw;
    }
    reset();
  }
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  double real(int column) const { return sqlite3_column_double(statement_, column); }
  bool isNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::string text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    return data == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(data),
                             static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  // Valid until the next step or reset.
  std::string_view blob(int column) const {
    const void* data = sqlite3_column_blob(statement_, column);
    return data == nullptr ? std::string_view()
                           : std::string_view(static_cast<const char*>(data),
                                              static_cast<std::size_t>(
                                                  sqlite3_column_bytes(statement_, column)));
  }
  std::optional<Uuid> uuid(int column) const {
    if (sqlite3_column_bytes(statement_, column) != 16) return std::nullopt;
    const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(statement_, column));
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    for (int i = 0; i < 8; ++i) high = (high << 8) | bytes[i];
    for (int i = 8; i < 16; ++i) low = (low << 8) | bytes[i];
    return Uuid(high, low);
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Resets a statement when a scope ends, also by exception.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

}  // namespace pledge::server::sqlite
