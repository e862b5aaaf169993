// Uuid: the 128-bit identifier of processes and tasks (text form 8-4-4-4-12).
//
// New ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter within
// the millisecond, then 62 random bits, so the ids one program makes increase strictly in the
// order it made them. Ids made close in time sort close together, so the store's B-trees take
// new rows at their right edge instead of at random pages (measured: several times fewer pages
// written per task than with version 4). Any UUID is accepted where an id is read.
//
// Task ids are made by clients, so a decider can refer to a task the server has not seen yet:
//
//   pledge::Uuid id = pledge::Uuid::random();
//   std::string text = id.toString();              // "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
//   std::optional<pledge::Uuid> back = pledge::Uuid::parse(text);
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pledge {

// A 16-byte value; the default is the nil UUID. Copyable, comparable, hashable; thread-compatible.
class Uuid {
 public:
  constexpr Uuid() = default;
  constexpr Uuid(std::uint64_t high, std::uint64_t low) : high_(high), low_(low) {}

  // A new version-7 UUID: the current time in milliseconds, the counter within it (greater than
  // that of every id this program made before) and random bits from a per-thread generator
  // seeded from the OS. Thread-safe.
  static Uuid random();
  // A version-4 UUID: random bits only.
  static Uuid randomV4();
  // Parses the canonical 36-character form (either case); nullopt for anything else.
  static std::optional<Uuid> parse(std::string_view text);

  // The canonical lower-case 36-character form.
  std::string toString() const;
  void appendTo(std::string& out) const;

  bool isNil() const { return high_ == 0 && low_ == 0; }
  std::uint64_t high() const { return high_; }
  std::uint64_t low() const { return low_; }
  std::size_t hash() const {
    return static_cast<std::size_t>(high_ ^ (low_ * 0x9E3779B97F4A7C15ULL));
  }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::uint64_t high_ = 0;
  std::uint64_t low_ = 0;
};

// The partition (of `partitions`) a process belongs to, from its id. Stored with the data: never
// change it without a migration. Servers place processes by it; clients use it to send a request
// straight to the node owning the partition.
inline int partitionOf(const Uuid& processId, int partitions) {
  return static_cast<int>((processId.high() ^ processId.low()) %
                          static_cast<std::uint64_t>(partitions));
}

// The partition a text key (a customId, a start's requestId) places its process in: FNV-1a of the
// bytes, stable across builds and nodes. Stored with the data like partitionOf.
inline int partitionOfKey(std::string_view key, int partitions) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<int>(hash % static_cast<std::uint64_t>(partitions));
}

struct UuidHash {
  std::size_t operator()(const Uuid& id) const { return id.hash(); }
};

}  // namespace pledge

template <>
struct std::hash<pledge::Uuid> {
  std::size_t operator()(const pledge::Uuid& id) const { return id.hash(); }
};
