#include "pledge/server/engine/partition_ownership.h"

#include <algorithm>

#include "pledge/error.h"
#include "pledge/server/engine/process_graph.h"

namespace pledge::server {
namespace {

// A UUID in the partition: random, with its low 16 bits chosen to land there (partitionOf is
// (high ^ low) % partitions, and those bits run through every residue of up to 65536).
Uuid randomIdIn(int partition, int partitions) {
  const Uuid random = Uuid::random();
  const std::uint64_t base = random.low() & ~std::uint64_t{0xFFFF};
  for (std::uint64_t bits = 0; bits <= 0xFFFF; ++bits) {
    const Uuid id(random.high(), base | ((random.low() + bits) & 0xFFFF));
    if (partitionOf(id, partitions) == partition) return id;
  }
  PLEDGE_ASSERT(false, "no id lands in partition {} of {}", partition, partitions);
}

}  // namespace

PartitionOwnership::PartitionOwnership(int partitions)
    : state_(static_cast<std::size_t>(partitions), State::None),
      ownedFlags_(std::make_unique<std::atomic<bool>[]>(static_cast<std::size_t>(partitions))) {}

bool PartitionOwnership::owns(int partition) const {
  return partition >= 0 && partition < partitions() &&
         ownedFlags_[static_cast<std::size_t>(partition)].load();
}

void PartitionOwnership::set(int partition, bool owned) {
  state_[static_cast<std::size_t>(partition)] = owned ? State::Owned : State::None;
  ownedFlags_[static_cast<std::size_t>(partition)] = owned;
  std::erase(owned_, partition);
  if (owned) owned_.insert(std::upper_bound(owned_.begin(), owned_.end(), partition), partition);
}

void PartitionOwnership::setAll(bool owned) {
  for (int partition = 0; partition < partitions(); ++partition) set(partition, owned);
}

void PartitionOwnership::leave(int partition) {
  set(partition, false);
  state_[static_cast<std::size_t>(partition)] = State::Leaving;
}

void PartitionOwnership::left(int partition) {
  state_[static_cast<std::size_t>(partition)] = State::None;
}

std::optional<Uuid> PartitionOwnership::newProcessId(std::optional<int> partition) {
  if (partition) return randomIdIn(*partition, partitions());
  if (servesAll()) return Uuid::random();
  if (owned_.empty()) return std::nullopt;
  return randomIdIn(owned_[nextOwned_++ % owned_.size()], partitions());
}

}  // namespace pledge::server
