#include "pledge/uuid.h"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid.hpp>

#include <chrono>

namespace pledge {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kHexDigits[] = "0123456789abcdef";

// Positions of the dashes in the canonical form.
constexpr bool isDashPosition(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

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
  // Layout (RFC 9562): unix_ts_ms(48) ver(4)=7 rand_a(12) | var(2)=0b10 rand_b(62). The random
  // bits come from a version-4 UUID, whose variant bits are already 0b10.
  const Uuid bits = randomV4();
  const auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now().time_since_epoch())
                                                 .count());
  const std::uint64_t high = (ms << 16) | 0x7000 | (bits.high() & 0x0FFF);
  return Uuid(high, bits.low());
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::uint64_t halves[2] = {0, 0};
  int nibble = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (isDashPosition(i)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    int value = hexValue(text[i]);
    if (value < 0) return std::nullopt;
    std::uint64_t& half = halves[nibble / 16];
    half = (half << 4) | static_cast<std::uint64_t>(value);
    ++nibble;
  }
  return Uuid(halves[0], halves[1]);
}

void Uuid::appendTo(std::string& out) const {
  const std::uint64_t halves[2] = {high_, low_};
  int nibble = 0;
  for (std::size_t i = 0; i < 36; ++i) {
    if (isDashPosition(i)) {
      out.push_back('-');
      continue;
    }
    std::uint64_t half = halves[nibble / 16];
    int shift = 60 - 4 * (nibble % 16);
    out.push_back(kHexDigits[(half >> shift) & 0xF]);
    ++nibble;
  }
}

std::string Uuid::toString() const {
  std::string out;
  out.reserve(36);
  appendTo(out);
  return out;
}

}  // namespace pledge
