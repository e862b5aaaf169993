// How the rows of the PostgreSQL store are read and written: a result row as rows:: reads it
// (stored_rows.h holds the column lists and the readers both stores share), and array literals
// that carry a whole batch in one statement. Private to store/.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/server/store/store.h"
#include "pledge/uuid.h"
#include "store/stored_rows.h"

namespace pledge::server::pg {

using rows::kProcessColumns;
using rows::kTaskColumns;
using rows::storedState;

// The uuid in a field; nullopt for NULL.
std::optional<Uuid> uuidOf(const pqxx::field& field);
// The text in a field; "" for NULL.
std::string textOf(const pqxx::field& field);

// A result row as rows::readProcess and rows::readTask read it (rows::ResultRow). Refers to the
// row, which must outlive it.
class Fields {
 public:
  explicit Fields(const pqxx::row& row) : row_(row) {}
  bool isNull(int column) const { return row_[column].is_null(); }
  std::int64_t integer(int column) const { return row_[column].as<std::int64_t>(); }
  std::string text(int column) const { return textOf(row_[column]); }
  std::optional<Uuid> uuid(int column) const { return uuidOf(row_[column]); }

 private:
  const pqxx::row& row_;
};

// The processes started under any of the keys in $1 (text[]) of column (custom_id or
// request_id): (key, id, start_task), one index probe a key (pg_rows.cpp says why).
std::string startsBy(std::string_view column);

// A row of SELECT kProcessColumns / kTaskColumns.
inline ProcessRow readProcess(const pqxx::row& row) { return rows::readProcess(Fields(row)); }
inline TaskRow readTask(const pqxx::row& row) { return rows::readTask(Fields(row)); }

// A PostgreSQL array literal built column by column, so that one statement writes a whole batch
// (INSERT ... SELECT FROM unnest(...), UPDATE ... FROM unnest(...)).
class ArrayLiteral {
 public:
  void add(std::string_view text) {
    separate();
    text_ += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void add(std::int64_t value) {
    separate();
    text_ += std::to_string(value);
  }
  void add(const Uuid& id) {
    separate();
    text_ += id.toString();
  }
  void add(const std::optional<Uuid>& id) {
    if (id) {
      add(*id);
    } else {
      addNull();
    }
  }
  void add(const std::optional<std::int64_t>& value) {
    if (value) {
      add(*value);
    } else {
      addNull();
    }
  }
  // An empty text is NULL (no value, no error).
  void addTextOrNull(const std::string& text) {
    if (text.empty()) {
      addNull();
    } else {
      add(text);
    }
  }
  void addNull() {
    separate();
    text_ += "NULL";
  }
  std::string str() const { return "{" + text_ + "}"; }
  bool empty() const { return text_.empty(); }

 private:
  void separate() {
    if (!text_.empty()) text_ += ',';
  }
  std::string text_;
};

// An int[] literal: "{1,2,3}".
std::string intArray(const std::vector<int>& values);

// "AND partition = ANY('{...}')" for a set of partitions, nothing for all.
std::string partitionFilter(std::string_view alias, const PartitionSet& partitions);

}  // namespace pledge::server::pg
