// IdTable<V>: a hash table from Uuid to a small value, for the server's hottest lookups: the
// tasks in memory (ProcessGraph::findTask: every release, every promise an argument names and
// every new task looks one up, several times per task run) and the journal's record counts.
//
//   IdTable<Task*> tasks;
//   tasks.insert(task.id, &task);     // false when the id is there already (nothing changes)
//   Task* found = tasks.find(id);     // V{} (here nullptr) when absent
//   if (int* count = counts.get(id)) ++*count;
//   tasks.erase(task.id);
//
// V{} marks an empty slot, so it is never stored (insert refuses it): pointers are never null,
// counts never 0. Open addressing with linear probing over one array of {id, value} slots: a
// lookup reads one or two neighbouring slots, where std::unordered_map read its bucket array,
// the node before the bucket's first (another entry's) and the node itself, three scattered
// cache lines, and allocated a node per insert. Erase moves later entries of the run back (no
// tombstones), and the table halves when it is mostly empty, so a burst does not leave lookups
// spread over a huge array. The hash mixes both halves of the id with a seed drawn per table:
// ids are made by clients, who cannot line them up to collide.
//
// Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "pledge/error.h"
#include "pledge/uuid.h"

namespace pledge::server {

template <typename V>
class IdTable {
 public:
  IdTable() : seed_(Uuid::randomV4().low()) { rehash(kMinCapacity); }

  V find(const Uuid& id) const {
    const std::size_t i = indexOf(id);
    return i == kAbsent ? V{} : slots_[i].value;
  }
  bool contains(const Uuid& id) const { return indexOf(id) != kAbsent; }
  // The value stored for id, to change in place (never to V{}); nullptr when absent. Valid
  // until the next insert or erase.
  V* get(const Uuid& id) {
    const std::size_t i = indexOf(id);
    return i == kAbsent ? nullptr : &slots_[i].value;
  }

  // Adds id -> value; false, changing nothing, when id is there already.
  bool insert(const Uuid& id, V value) {
    PLEDGE_ASSERT(!(value == V{}), "IdTable cannot hold the empty value");
    // At most 3/4 full: runs stay short.
    if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    std::size_t i = home(id);
    for (; !empty(slots_[i]); i = (i + 1) & mask_) {
      if (slots_[i].id == id) return false;
    }
    slots_[i] = Slot{id, std::move(value)};
    ++size_;
    return true;
  }

  // Whether id was there.
  bool erase(const Uuid& id) {
    std::size_t hole = indexOf(id);
    if (hole == kAbsent) return false;
    // Moves back each later entry of the run that may sit in the hole: one whose home is not
    // (cyclically) after the hole and up to where the entry sits.
    for (std::size_t next = (hole + 1) & mask_; !empty(slots_[next]); next = (next + 1) & mask_) {
      const std::size_t wanted = home(slots_[next].id);
      const bool staysPut = hole <= next ? (hole < wanted && wanted <= next)
                                         : (hole < wanted || wanted <= next);
      if (staysPut) continue;
      slots_[hole] = std::move(slots_[next]);
      hole = next;
    }
    slots_[hole] = Slot{};
    --size_;
    // Under a sixteenth full (after a burst): halve, so lookups stay within a table the size
    // of what it holds now.
    if (slots_.size() > kMinCapacity && size_ * 16 < slots_.size()) rehash(slots_.size() / 2);
    return true;
  }

  void clear() {
    size_ = 0;
    slots_.clear();
    rehash(kMinCapacity);
  }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

 private:
  static constexpr std::size_t kMinCapacity = 64;
  static constexpr std::size_t kAbsent = ~std::size_t{0};

  struct Slot {
    Uuid id;
    V value{};
  };
  static bool empty(const Slot& slot) { return slot.value == V{}; }

  std::size_t home(const Uuid& id) const {
    std::uint64_t h = (id.high() ^ seed_) * 0x9E3779B97F4A7C15ULL;
    h = (h ^ (h >> 32) ^ id.low()) * 0xBF58476D1CE4E5B9ULL;
    return static_cast<std::size_t>(h ^ (h >> 31)) & mask_;
  }

  std::size_t indexOf(const Uuid& id) const {
    for (std::size_t i = home(id);; i = (i + 1) & mask_) {
      if (empty(slots_[i])) return kAbsent;
      if (slots_[i].id == id) return i;
    }
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(capacity));
    mask_ = capacity - 1;
    for (Slot& slot : old) {
      if (empty(slot)) continue;
      std::size_t i = home(slot.id);
      while (!empty(slots_[i])) i = (i + 1) & mask_;
      slots_[i] = std::move(slot);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::uint64_t seed_ = 0;
};

}  // namespace pledge::server
