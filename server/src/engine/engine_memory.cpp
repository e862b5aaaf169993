// The memory budget of live processes (EngineOptions::memoryBudgetBytes): which starts wait for
// memory in the store, and how many due dormant processes a wake scan may load back.
#include <algorithm>
#include <limits>

#include "pledge/server/engine/engine.h"

namespace pledge::server {
namespace {

// At most this many dormant processes are read back by one wake scan.
constexpr int kWakeScanBatch = 10'000;

}  // namespace

std::int64_t Engine::liveMemoryBytes() {
  std::lock_guard lock(mutex_);
  return graph_.memoryBytes();
}

bool Engine::startWaitsForMemory() const {
  return options_.memoryBudgetBytes > 0 &&
         (graph_.memoryBytes() >= options_.memoryBudgetBytes || waitingForMemory_ > 0);
}

std::optional<std::int64_t> Engine::leaveMemoryUntil(const Process& process,
                                                     std::int64_t now) const {
  // Until its start task is handed out, a process waiting for memory is nothing but that row:
  // the store gives it back as it was (a result wait keeps it here, as it keeps a dormant one).
  if (process.waitingForMemory && process.state == ProcessState::Running &&
      process.tasks.size() == 1 && isLive(process.startTask->state) &&
      process.startTask->state != TaskState::Leased && !watches_.watched(process.id)) {
    return process.startedAt;
  }
  return dormantUntil(process, now);
}

int Engine::processesThatFit() const {
  if (options_.memoryBudgetBytes <= 0) return kWakeScanBatch;
  const std::int64_t live = static_cast<std::int64_t>(graph_.processCount());
  const std::int64_t used = graph_.memoryBytes();
  // A process loaded takes what the live ones take on average (a fresh one at least its start
  // task): processes grow as they run, so this errs on the side of loading fewer.
  const std::int64_t each =
      live > 0 ? std::max(used / live, kProcessMemoryBytes + kTaskMemoryBytes)
               : kProcessMemoryBytes + kTaskMemoryBytes;
  std::int64_t fit = std::max<std::int64_t>(options_.memoryBudgetBytes - used, 0) / each;
  // A budget smaller than one process must not stall everything.
  if (live == 0) fit = std::max<std::int64_t>(fit, 1);
  return static_cast<int>(std::min<std::int64_t>(fit, kWakeScanBatch));
}

void Engine::roomFreed() {
  if (options_.memoryBudgetBytes <= 0 || waitingForMemory_ <= 0 || processesThatFit() == 0) {
    return;
  }
  nextWakeScan_ = 0;
  timers_.arm(nowMs());
}

std::int64_t Engine::loadHorizon(std::int64_t now) const {
  return options_.memoryBudgetBytes > 0 ? std::numeric_limits<std::int64_t>::min()
                                        : now + options_.wakeAheadMs;
}

}  // namespace pledge::server
