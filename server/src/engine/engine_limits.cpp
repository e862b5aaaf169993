// Limits (docs/operations.md, "Limits"): setting and clearing them, keeping them in step with
// the store and the cluster's membership, serving the polls they held back once there is room
// again, and what the API shows of them. Where they bind is takeTasks (engine_tasks.cpp).
#include "engine/engine_internal.h"
#include "pledge/server/engine/engine.h"

namespace pledge::server {

void Engine::setLimit(const TaskLimit& limit) {
  checkLimit(limit);
  store_->setLimit(limit);
  applyLimits(store_->limits(), std::nullopt);
}

bool Engine::clearLimit(const std::string& actor, const std::string& taskList) {
  const bool had = store_->deleteLimit(actor, taskList);
  applyLimits(store_->limits(), std::nullopt);
  return had;
}

void Engine::syncLimits(const std::vector<TaskLimit>& limits, int nodes) {
  applyLimits(limits, nodes);
}

void Engine::applyLimits(const std::vector<TaskLimit>& limits, std::optional<int> nodes) {
  std::vector<std::function<void()>> answers;
  {
    std::lock_guard lock(mutex_);
    const std::int64_t now = nowMs();
    bool changed = limits_.replace(limits, now);
    if (nodes) changed = limits_.setNodes(*nodes) || changed;
    if (!changed || stopping_) return;
    // A raised or cleared limit makes room at once.
    Effects effects;
    serveParkedPolls(now, effects, answers);
    absorb(effects);
  }
  runAnswers(answers);
}

std::optional<std::int64_t> Engine::serveRefilledLimits(std::unique_lock<std::mutex>& lock,
                                                        std::int64_t now) {
  std::optional<std::int64_t> next = limits_.nextRefill();
  if (!next || *next > now) return next;
  limits_.refillDue(now);
  std::vector<std::function<void()>> answers;
  Effects effects;
  serveParkedPolls(now, effects, answers);
  absorb(effects);
  lock.unlock();
  runAnswers(answers);
  lock.lock();
  return limits_.nextRefill();
}

std::vector<LimitStats> Engine::limits() {
  std::lock_guard lock(mutex_);
  return limits_.allStats();
}

std::vector<QueueStats> Engine::queues() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = nowMs();
  std::vector<QueueStats> queues = queues_.stats(now);
  if (limits_.empty()) return queues;
  for (QueueStats& queue : queues) {
    const QueueKey key{graph_.findName(queue.actor), graph_.findName(queue.taskList)};
    if (key.actor == nullptr || key.taskList == nullptr) continue;
    TaskLimits::ActorLimits* limited = limits_.find(key.actor);
    if (limited == nullptr) continue;
    queue.limit = limits_.stats(key);
    queue.held = queue.ready - limits_.room(*limited, key, queue.ready, now);
  }
  return queues;
}

}  // namespace pledge::server
