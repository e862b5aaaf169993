#include "pledge/server/engine/task_limits.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "pledge/error.h"
#include "pledge/limits.h"
#include "pledge/task_spec.h"

namespace pledge::server {
namespace {

// Far above any real rate; keeps the bucket arithmetic finite.
constexpr double kMaxPerSecond = 1e6;

std::int64_t ceilDiv(std::int64_t value, int by) { return (value + by - 1) / by; }

}  // namespace

void checkLimit(const TaskLimit& limit) {
  auto problem = checkActorId(limit.actor);
  PLEDGE_REQUIRE(!problem, "actor: {}", problem.value_or(""));
  PLEDGE_REQUIRE(limit.taskList.size() <= limits::kMaxNameBytes,
                 "taskList: longer than {} bytes", limits::kMaxNameBytes);
  PLEDGE_REQUIRE(!limit.maxRunning || *limit.maxRunning >= 1,
                 "maxRunning: must be at least 1 (block the actor to hand out nothing), got {}",
                 limit.maxRunning.value_or(0));
  PLEDGE_REQUIRE(!limit.perSecond || (std::isfinite(*limit.perSecond) &&
                                      *limit.perSecond > 0 && *limit.perSecond <= kMaxPerSecond),
                 "perSecond: must be above 0 and at most {}, got {}", kMaxPerSecond,
                 limit.perSecond.value_or(0));
  PLEDGE_REQUIRE(!limit.burst || limit.perSecond,
                 "burst: needs perSecond (the rate its tokens come back at)");
  PLEDGE_REQUIRE(!limit.burst || (*limit.burst >= 1 && *limit.burst <= 1'000'000),
                 "burst: must be 1 to 1000000, got {}", limit.burst.value_or(0));
  PLEDGE_REQUIRE(limit.maxRunning || limit.perSecond,
                 "maxRunning: a limit sets maxRunning, perSecond or both");
}

bool TaskLimits::replace(const std::vector<TaskLimit>& limits, std::int64_t now) {
  if (list() == limits) return false;
  std::unordered_map<const std::string*, ActorLimits> next;
  for (const TaskLimit& limit : limits) {
    const std::string* actor = graph_.intern(limit.actor);
    Bucket bucket;
    bucket.limit = limit;
    // An unchanged limit keeps its bucket (its tokens and counts).
    QueueKey key{actor, graph_.intern(limit.taskList)};
    if (Bucket* old = bucketOf(key, limit.taskList.empty()); old && old->limit == limit) {
      bucket = *old;
    } else {
      bucket.tokens = nodeBurst(limit);
      bucket.refilledAt = now;
    }
    ActorLimits& into = next[actor];
    if (limit.taskList.empty()) {
      into.all = bucket;
    } else {
      into.lists[limit.taskList] = bucket;
    }
  }
  byActor_ = std::move(next);
  return true;
}

bool TaskLimits::setNodes(int nodes) {
  nodes = std::max(nodes, 1);
  if (nodes == nodes_) return false;
  nodes_ = nodes;
  for (auto& [actor, limits] : byActor_) {
    auto cap = [&](Bucket& bucket) {
      bucket.tokens = std::min(bucket.tokens, nodeBurst(bucket.limit));
    };
    if (limits.all) cap(*limits.all);
    for (auto& [name, bucket] : limits.lists) cap(bucket);
  }
  return true;
}

std::vector<TaskLimit> TaskLimits::list() const {
  std::vector<TaskLimit> all;
  for (const auto& [actor, limits] : byActor_) {
    if (limits.all) all.push_back(limits.all->limit);
    for (const auto& [name, bucket] : limits.lists) all.push_back(bucket.limit);
  }
  std::sort(all.begin(), all.end(), [](const TaskLimit& a, const TaskLimit& b) {
    return std::tie(a.actor, a.taskList) < std::tie(b.actor, b.taskList);
  });
  return all;
}

std::optional<std::int64_t> TaskLimits::nodeMaxRunning(const TaskLimit& limit) const {
  if (!limit.maxRunning) return std::nullopt;
  return ceilDiv(*limit.maxRunning, nodes_);
}

double TaskLimits::nodeRate(const TaskLimit& limit) const {
  return limit.perSecond.value_or(0) / nodes_;
}

double TaskLimits::nodeBurst(const TaskLimit& limit) const {
  if (!limit.perSecond) return 0;
  const std::int64_t burst =
      limit.burst.value_or(std::max<std::int64_t>(1, std::llround(std::ceil(*limit.perSecond))));
  return static_cast<double>(std::max<std::int64_t>(1, ceilDiv(burst, nodes_)));
}

void TaskLimits::refill(Bucket& bucket, std::int64_t now) const {
  if (now <= bucket.refilledAt) return;
  bucket.tokens = std::min(nodeBurst(bucket.limit),
                           bucket.tokens + nodeRate(bucket.limit) *
                                               static_cast<double>(now - bucket.refilledAt) / 1e3);
  bucket.refilledAt = now;
}

std::int64_t TaskLimits::running(const std::string* actor, const std::string* taskList) const {
  const auto& counts = graph_.queueCounts();
  if (taskList != nullptr) {
    auto it = counts.find(QueueKey{actor, taskList});
    return it == counts.end() ? 0 : it->second.running;
  }
  std::int64_t sum = 0;
  for (const auto& [key, queue] : counts) {
    if (key.actor == actor) sum += queue.running;
  }
  return sum;
}

TaskLimits::Bucket* TaskLimits::bucketOf(ActorLimits& limits, const std::string& taskList,
                                         bool actorWide) {
  if (actorWide) return limits.all ? &*limits.all : nullptr;
  auto list = limits.lists.find(taskList);
  return list == limits.lists.end() ? nullptr : &list->second;
}

TaskLimits::Bucket* TaskLimits::bucketOf(const QueueKey& key, bool actorWide) {
  ActorLimits* limits = find(key.actor);
  return limits == nullptr ? nullptr : bucketOf(*limits, *key.taskList, actorWide);
}

TaskLimits::ActorLimits* TaskLimits::find(const std::string* actor) {
  auto it = byActor_.find(actor);
  return it == byActor_.end() ? nullptr : &it->second;
}

std::int64_t TaskLimits::room(ActorLimits& limits, const QueueKey& key, std::int64_t want,
                              std::int64_t now) {
  std::int64_t room = want;
  auto bind = [&](Bucket& bucket, const std::string* taskList) {
    bucket.bound = false;
    if (auto max = nodeMaxRunning(bucket.limit)) {
      const std::int64_t left = std::max<std::int64_t>(0, *max - running(key.actor, taskList));
      if (left < room) {
        room = left;
        bucket.bound = true;
      }
    }
    if (bucket.limit.perSecond) {
      refill(bucket, now);
      const auto tokens = static_cast<std::int64_t>(std::floor(bucket.tokens));
      if (tokens < 1) bucket.starved = true;
      if (tokens < room) {
        room = std::max<std::int64_t>(0, tokens);
        bucket.bound = true;
      }
    }
  };
  if (limits.all) bind(*limits.all, nullptr);
  if (Bucket* list = bucketOf(limits, *key.taskList, false)) bind(*list, key.taskList);
  return room;
}

void TaskLimits::took(ActorLimits& limits, const QueueKey& key, std::int64_t count) {
  for (bool actorWide : {true, false}) {
    Bucket* bucket = bucketOf(limits, *key.taskList, actorWide);
    if (bucket != nullptr && bucket->limit.perSecond) {
      bucket->tokens -= static_cast<double>(count);
    }
  }
}

const TaskLimit* TaskLimits::noteHeld(ActorLimits& limits, const QueueKey& key) {
  const TaskLimit* held = nullptr;
  for (bool actorWide : {false, true}) {
    Bucket* bucket = bucketOf(limits, *key.taskList, actorWide);
    if (bucket == nullptr || !bucket->bound) continue;
    ++bucket->heldTotal;
    if (held == nullptr) held = &bucket->limit;
  }
  return held;
}

std::optional<std::int64_t> TaskLimits::nextRefill() const {
  std::optional<std::int64_t> next;
  auto consider = [&](const Bucket& bucket) {
    if (!bucket.starved) return;
    const double rate = nodeRate(bucket.limit) / 1e3;  // tokens per ms
    const auto at = bucket.refilledAt +
                    static_cast<std::int64_t>(std::ceil(std::max(0.0, 1 - bucket.tokens) / rate));
    next = next ? std::min(*next, at) : at;
  };
  for (const auto& [actor, limits] : byActor_) {
    if (limits.all) consider(*limits.all);
    for (const auto& [name, bucket] : limits.lists) consider(bucket);
  }
  return next;
}

void TaskLimits::refillDue(std::int64_t now) {
  auto clear = [&](Bucket& bucket) {
    if (!bucket.starved) return;
    refill(bucket, now);
    if (bucket.tokens >= 1) bucket.starved = false;
  };
  for (auto& [actor, limits] : byActor_) {
    if (limits.all) clear(*limits.all);
    for (auto& [name, bucket] : limits.lists) clear(bucket);
  }
}

LimitStats TaskLimits::statsOf(const Bucket& bucket, const std::string* actor) const {
  LimitStats stats;
  stats.limit = bucket.limit;
  stats.nodeMaxRunning = nodeMaxRunning(bucket.limit);
  if (bucket.limit.perSecond) stats.nodePerSecond = nodeRate(bucket.limit);
  stats.running = running(actor, bucket.limit.taskList.empty()
                                     ? nullptr
                                     : graph_.findName(bucket.limit.taskList));
  stats.heldTotal = bucket.heldTotal;
  return stats;
}

std::optional<LimitStats> TaskLimits::stats(const QueueKey& key) const {
  auto it = byActor_.find(key.actor);
  if (it == byActor_.end()) return std::nullopt;
  auto list = it->second.lists.find(*key.taskList);
  if (list != it->second.lists.end()) return statsOf(list->second, key.actor);
  if (it->second.all) return statsOf(*it->second.all, key.actor);
  return std::nullopt;
}

std::vector<LimitStats> TaskLimits::allStats() const {
  std::vector<LimitStats> all;
  for (const auto& [actor, limits] : byActor_) {
    if (limits.all) all.push_back(statsOf(*limits.all, actor));
    for (const auto& [name, bucket] : limits.lists) all.push_back(statsOf(bucket, actor));
  }
  std::sort(all.begin(), all.end(), [](const LimitStats& a, const LimitStats& b) {
    return std::tie(a.limit.actor, a.limit.taskList) < std::tie(b.limit.actor, b.limit.taskList);
  });
  return all;
}

}  // namespace pledge::server
