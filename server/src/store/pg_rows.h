// How the rows of the PostgreSQL store are read and written: the column lists, readers of result
// rows, and array literals that carry a whole batch in one statement. Private to store/.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/server/store/store.h"
#include "pledge/uuid.h"

namespace pledge::server::pg {

inline constexpr const char* kProcessColumns =
    "id, partition, start_task, custom_id, actor, method, state, started_at, ended_at, result, "
    "error, failed_task, wake_at, request_id";
inline constexpr const char* kTaskColumns =
    "id, process_id, spec, state, promise, attempt, attempt_base, not_before, lease_until, "
    "forward_to, value, error, created_at, ready_at, started_at, ended_at, parent_id, seq";

// Process states as stored; the numbers must never change.
inline int storedState(ProcessState state) { return static_cast<int>(state); }

// The uuid in a field; nullopt for NULL.
std::optional<Uuid> uuidOf(const pqxx::field& field);
// The text in a field; "" for NULL.
std::string textOf(const pqxx::field& field);
// A row of SELECT kProcessColumns / kTaskColumns.
ProcessRow readProcess(const pqxx::row& row);
TaskRow readTask(const pqxx::row& row);

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
