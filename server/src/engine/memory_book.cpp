#include "pledge/server/engine/memory_book.h"

#include <algorithm>

namespace pledge::server {

void MemoryBook::ended(std::int64_t bytes) {
  // The mean of the first ones, then a running average of the last kAveragedEnds.
  endedSeen_ = std::min(endedSeen_ + 1, kAveragedEnds);
  expectedBytes_ += (bytes - expectedBytes_) / endedSeen_;
}

bool MemoryBook::admits(std::int64_t chargedBytes, std::size_t live) const {
  return budgetBytes_ <= 0 || live == 0 || chargedBytes + expectedBytes_ <= budgetBytes_;
}

int MemoryBook::howManyFit(std::int64_t chargedBytes, std::size_t live, int most) const {
  if (budgetBytes_ <= 0) return most;
  std::int64_t fit = std::max<std::int64_t>(budgetBytes_ - chargedBytes, 0) / expectedBytes_;
  if (live == 0) fit = std::max<std::int64_t>(fit, 1);
  return static_cast<int>(std::min<std::int64_t>(fit, most));
}

void MemoryBook::recount(const PartitionSet& partitions, std::int64_t dormant, std::int64_t due,
                         std::int64_t at) {
  for (std::size_t partition = 0; partition < dueUpTo_.size(); ++partition) {
    if (partitions.contains(static_cast<int>(partition))) dueUpTo_[partition] = at;
  }
  dormant_ += dormant;
  waiting_ += due;
}

void MemoryBook::clear() {
  std::fill(dueUpTo_.begin(), dueUpTo_.end(), kNever);
  dormant_ = 0;
  waiting_ = 0;
}

bool MemoryBook::waits(int partition, std::int64_t wakeAt, std::int64_t startedAt) const {
  // (A process dormant for a later time goes at least dormantAfterMs after its start.)
  return wakeAt == startedAt || wakeAt <= dueUpTo_.at(static_cast<std::size_t>(partition));
}

void MemoryBook::left(int partition, std::int64_t wakeAt, std::int64_t startedAt) {
  ++dormant_;
  if (waits(partition, wakeAt, startedAt)) ++waiting_;
}

void MemoryBook::loaded(int partition, std::int64_t wakeAt, std::int64_t startedAt) {
  --dormant_;
  if (waits(partition, wakeAt, startedAt)) --waiting_;
}

}  // namespace pledge::server
