// The memory budget of live processes (EngineOptions::memoryBudgetBytes): which starts wait for
// memory in the store, and how many due dormant processes a wake scan may load back.
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
         (budget_.waiting() > 0 || !budget_.admits(graph_.chargedBytes(), graph_.processCount()));
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
  return budget_.howManyFit(graph_.chargedBytes(), graph_.processCount(), kWakeScanBatch);
}

void Engine::roomFreed() {
  if (options_.memoryBudgetBytes <= 0 || (budget_.waiting() <= 0 && !dueLeftForRoom_) ||
      processesThatFit() == 0) {
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
