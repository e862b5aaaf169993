#include "pledge/uuid.h"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace pledge {
namespace {

// Value of each byte as a hex digit, or -1.
constexpr std::array<std::int8_t, 256> kHexValue = [] {
  std::array<std::int8_t, 256> table{};
  for (auto& value : table) value = -1;
  for (int c = '0'; c <= '9'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  }
  for (int c = 'a'; c <= 'f'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  }
  for (int c = 'A'; c <= 'F'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
  }
  return table;
}();

constexpr char kHexDigits[] = "0123456789abcdef";
// Each byte's two hex digits.
constexpr std::array<char, 512> kHexPairs = [] {
  std::array<char, 512> table{};
  for (std::size_t byte = 0; byte < 256; ++byte) {
    table[2 * byte] = kHexDigits[byte >> 4];
    table[2 * byte + 1] = kHexDigits[byte & 0xF];
  }
  return table;
}();

// Where the 32 hex digits of the canonical form are (the dashes are at 8, 13, 18 and 23).
constexpr std::array<std::uint8_t, 32> kDigitPositions = {
    0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11, 12, 14, 15, 16, 17,
    19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};

}  // namespace

Uuid Uuid::randomV4() {
  // mt19937 seeded once per thread from the OS: no system call per id.
  thread_local boost::uuids::random_generator_mt19937 generator;
  boost::uuids::uuid raw = generator();
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  for (int i = 0; i < 8; ++i) high = (high << 8) | raw.data[i];
  for (int i = 8; i < 16; ++i) low = (low << 8) | raw.data[i];
  return Uuid(high, low);
}

Uuid Uuid::random() {
  // Layout (RFC 9562): unix_ts_ms(48) ver(4)=7 rand_a(12) | var(2)=0b10 rand_b(62). rand_a is a
  // counter within the millisecond (RFC 9562 6.2, method 1), shared by the whole program, so
  // the ids one program makes increase strictly in the order it made them: processes started in
  // the same millisecond still sort (and wait for memory) in start order. More than 4,096 ids
  // in one millisecond borrow from the next. rand_b comes from a version-4 UUID, whose variant
  // bits are already 0b10.
  static std::atomic<std::uint64_t> last{0};  // (ms << 12) | counter, of the last id made
  const auto ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  std::uint64_t previous = last.load(std::memory_order_relaxed);
  std::uint64_t stamp = 0;
  do {
    stamp = std::max(previous + 1, ms << 12);
  } while (!last.compare_exchange_weak(previous, stamp, std::memory_order_relaxed));
  const std::uint64_t high = ((stamp >> 12) << 16) | 0x7000 | (stamp & 0x0FFF);
  return Uuid(high, randomV4().low());
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    return std::nullopt;
  }
  std::uint64_t halves[2] = {0, 0};
  int invalid = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const int value = kHexValue[static_cast<unsigned char>(text[kDigitPositions[i]])];
    invalid |= value;  // -1 sets every bit
    halves[i / 16] = (halves[i / 16] << 4) | static_cast<std::uint64_t>(value & 0xF);
  }
  if (invalid < 0) return std::nullopt;
  return Uuid(halves[0], halves[1]);
}

void Uuid::appendTo(std::string& out) const {
  // A byte at a time (two digits from kHexPairs), the groups 8-4-4-4-12 digits long.
  char text[36];
  char* next = text;
  const std::uint64_t halves[2] = {high_, low_};
  for (int byte = 0; byte < 16; ++byte) {
    if (byte == 4 || byte == 6 || byte == 8 || byte == 10) *next++ = '-';
    const std::size_t value = (halves[byte / 8] >> (56 - 8 * (byte % 8))) & 0xFF;
    next[0] = kHexPairs[2 * value];
    next[1] = kHexPairs[2 * value + 1];
    next += 2;
  }
  out.append(text, sizeof text);
}

std::string Uuid::toString() const {
  std::string out;
  out.reserve(36);
  appendTo(out);
  return out;
}

}  // namespace pledge
