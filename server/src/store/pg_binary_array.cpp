#include "store/pg_binary_array.h"

#include <cassert>
#include <limits>

namespace pledge::server::pg {
namespace {

// array_recv's header of a one-dimensional array: ndim, has-nulls flag, element type, then the
// dimension's length and lower bound. Every integer is big-endian.
constexpr std::size_t kHeader = 5 * sizeof(std::int32_t);

template <typename Unsigned>
void putBigEndian(std::string& out, Unsigned value) {
  char bytes[sizeof(Unsigned)];
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    bytes[i] = static_cast<char>((value >> (8 * (sizeof(Unsigned) - 1 - i))) & 0xff);
  }
  out.append(bytes, sizeof(Unsigned));
}

void setBigEndian(std::string& out, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((value >> (24 - 8 * i)) & 0xff);
}

}  // namespace

std::string binaryInt8(std::int64_t value) {
  std::string bytes;
  putBigEndian(bytes, static_cast<std::uint64_t>(value));
  return bytes;
}

BinaryArray::BinaryArray(Type type) : type_(type), bytes_(kHeader, '\0') {}

void BinaryArray::putLength(std::int32_t length) {
  putBigEndian(bytes_, static_cast<std::uint32_t>(length));
  ++count_;
}

void BinaryArray::add(std::int64_t value) {
  assert(type_ == Type::Int4 || type_ == Type::Int8);
  if (type_ == Type::Int4) {
    assert(value >= std::numeric_limits<std::int32_t>::min() &&
           value <= std::numeric_limits<std::int32_t>::max());
    putLength(4);
    putBigEndian(bytes_, static_cast<std::uint32_t>(value));
  } else {
    putLength(8);
    putBigEndian(bytes_, static_cast<std::uint64_t>(value));
  }
}

void BinaryArray::add(std::string_view bytes) {
  assert(type_ == Type::Text || type_ == Type::Bytea);
  putLength(static_cast<std::int32_t>(bytes.size()));
  bytes_.append(bytes);
}

void BinaryArray::add(const Uuid& id) {
  assert(type_ == Type::Uuid);
  putLength(16);
  putBigEndian(bytes_, id.high());
  putBigEndian(bytes_, id.low());
}

void BinaryArray::addNull() {
  putLength(-1);
  hasNull_ = true;
}

void BinaryArray::add(const std::optional<Uuid>& id) {
  if (id) {
    add(*id);
  } else {
    addNull();
  }
}

void BinaryArray::add(const std::optional<std::int64_t>& value) {
  if (value) {
    add(*value);
  } else {
    addNull();
  }
}

void BinaryArray::addTextOrNull(std::string_view text) {
  if (text.empty()) {
    addNull();
  } else {
    add(text);
  }
}

std::string BinaryArray::take() {
  // An empty array has no dimension: ndim 0 and nothing after the element type.
  setBigEndian(bytes_, 0, count_ == 0 ? 0 : 1);
  setBigEndian(bytes_, 4, hasNull_ ? 1 : 0);
  setBigEndian(bytes_, 8, static_cast<std::uint32_t>(type_));
  if (count_ == 0) {
    bytes_.resize(12);
  } else {
    setBigEndian(bytes_, 12, static_cast<std::uint32_t>(count_));
    setBigEndian(bytes_, 16, 1);
  }
  std::string bytes = std::move(bytes_);
  bytes_.assign(kHeader, '\0');
  count_ = 0;
  hasNull_ = false;
  return bytes;
}

}  // namespace pledge::server::pg
