// PartitionOwnership: which partitions of the store this node serves now, and the ids of new
// processes in them. A partition is None, Owned (served) or Leaving (being handed over: nothing
// touches it any more while what was done to it commits).
//
// owns() takes no lock (the REST layer routes by it); everything else is called under the
// engine's lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "pledge/server/store/store.h"
#include "pledge/uuid.h"

namespace pledge::server {

class PartitionOwnership {
 public:
  explicit PartitionOwnership(int partitions);

  int partitions() const { return static_cast<int>(state_.size()); }
  // Lock-free: whether the partition is served now.
  bool owns(int partition) const;
  bool serving(int partition) const { return state(partition) == State::Owned; }
  bool idle(int partition) const { return state(partition) == State::None; }
  bool leaving(int partition) const { return state(partition) == State::Leaving; }
  bool servesAll() const { return owned_.size() == state_.size(); }
  // The owned partitions, ascending.
  const std::vector<int>& owned() const { return owned_; }
  // The served partitions as the store is asked about them.
  PartitionSet served() const {
    return servesAll() ? PartitionSet::all() : PartitionSet::of(owned_);
  }

  void set(int partition, bool owned);
  void setAll(bool owned);
  // Owned → Leaving, and Leaving → None once the partition's processes left memory.
  void leave(int partition);
  void left(int partition);

  // A new process id in the partition, or for nullopt in one this node serves (round robin);
  // nullopt when it serves none.
  std::optional<Uuid> newProcessId(std::optional<int> partition);

 private:
  enum class State : std::uint8_t { None, Owned, Leaving };
  State state(int partition) const { return state_[static_cast<std::size_t>(partition)]; }

  std::vector<State> state_;
  std::vector<int> owned_;
  std::size_t nextOwned_ = 0;
  // Mirrors state_ == Owned for owns().
  std::unique_ptr<std::atomic<bool>[]> ownedFlags_;
};

}  // namespace pledge::server
