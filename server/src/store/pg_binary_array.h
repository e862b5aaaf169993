// A whole column of a batch as one PostgreSQL array parameter in the binary format
// (array_send/array_recv), for the commit's statements. PostgreSQL copies each element as it is
// instead of parsing a text literal: in a fanout run parsing the text arrays (array_in, uuid_in,
// hex_decode, strtoull) was about a third of the writer backend's CPU (docs/journal-store.md).
// Private to store/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/uuid.h"

namespace pledge::server::pg {

class BinaryArray {
 public:
  // The element type, as its PostgreSQL type oid: the statement's cast ($1::uuid[]) must name
  // the same type, or PostgreSQL refuses the parameter ("wrong element type").
  enum class Type : std::uint32_t { Int4 = 23, Int8 = 20, Text = 25, Bytea = 17, Uuid = 2950 };

  explicit BinaryArray(Type type);

  // Int4 or Int8 (an Int4 element must fit in 32 bits).
  void add(std::int64_t value);
  // Text (valid UTF-8) or Bytea.
  void add(std::string_view bytes);
  void add(const Uuid& id);
  void addNull();
  // NULL for nullopt.
  void add(const std::optional<Uuid>& id);
  void add(const std::optional<std::int64_t>& value);
  // NULL for an empty text.
  void addTextOrNull(std::string_view text);

  std::size_t size() const { return count_; }

  // The array in the binary format (a pg::Statement's parameter); the builder is empty after.
  std::string take();

 private:
  void putLength(std::int32_t length);

  Type type_;
  // The header's room, then each element as (length, bytes).
  std::string bytes_;
  std::size_t count_ = 0;
  bool hasNull_ = false;
};

// A bigint parameter (not an array) in the binary format.
std::string binaryInt8(std::int64_t value);

// Each array of columns taken (BinaryArray::take), in order: the parameters of a statement that
// writes a whole batch, a column an array.
template <class Arrays>
std::vector<std::string> takeAll(Arrays& columns) {
  std::vector<std::string> params;
  for (BinaryArray& column : columns) params.push_back(column.take());
  return params;
}

}  // namespace pledge::server::pg
