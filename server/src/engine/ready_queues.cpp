#include "pledge/server/engine/ready_queues.h"

#include <algorithm>

#include "pledge/server/engine/partition_ownership.h"

namespace pledge::server {
namespace {

// Pollers an actor remembers: those seen within this long, at most kMaxPollersPerActor.
constexpr std::int64_t kPollerMemoryMs = 60'000;
constexpr std::size_t kMaxPollersPerActor = 1'000;

}  // namespace

ReadyQueues::Queue& ReadyQueues::queueFor(const std::string* actor, const std::string* taskList) {
  auto& slot = queues_[QueueKey{actor, taskList}];
  if (!slot) {
    if (isServerActor(*actor)) ++serverQueues_;
    slot = std::make_unique<Queue>();
    slot->actor = actor;
    slot->taskList = taskList;
  }
  return *slot;
}

ReadyQueues::Queue& ReadyQueues::find(const std::string& actor, const std::string& taskList) {
  return queueFor(graph_.intern(actor), graph_.intern(taskList));
}

void ReadyQueues::push(Task& task) {
  if (task.readyLink.linked()) return;
  TaskLink& head = queueFor(task.actor, task.taskList).byPriority[task.priority];
  const Task* newest = head.prev()->task();
  if (newest == nullptr || newest->readySeq < task.readySeq) {
    head.insertBefore(task.readyLink);  // the usual case: the newest ready task, at the tail
    return;
  }
  // One that became ready before (held back while its process was paused) goes back to its
  // place, looked for from the oldest: the engine queues held tasks again newest first, so each
  // finds its place among the first few.
  TaskLink* before = head.next();
  while (before != &head && before->task()->readySeq < task.readySeq) before = before->next();
  before->insertBefore(task.readyLink);
}

Task* ReadyQueues::popReady(Queue& queue) {
  for (auto list = queue.byPriority.begin(); list != queue.byPriority.end();) {
    while (Task* task = list->second.next()->task()) {
      task->readyLink.unlink();
      if (!ownership_.serving(task->process->partition)) continue;
      if (task->process->paused) {  // held back until the process is resumed
        task->process->held.push_back(task);
        continue;
      }
      return task;
    }
    list = queue.byPriority.erase(list);
  }
  return nullptr;
}

void ReadyQueues::clear() {
  for (auto& [key, queue] : queues_) {
    for (auto& [priority, list] : queue->byPriority) list.clear();
    queue->byPriority.clear();
  }
}

void ReadyQueues::setBlocked(const std::string& actor, bool blocked) {
  if (blocked) {
    blocked_.insert(actor);
  } else {
    blocked_.erase(actor);
  }
}

bool ReadyQueues::replaceBlocked(std::set<std::string, std::less<>> actors) {
  if (actors == blocked_) return false;
  blocked_ = std::move(actors);
  return true;
}

std::shared_ptr<ReadyQueues::ParkedPoll> ReadyQueues::park(
    std::vector<Queue*> queues, int max, std::function<void(std::vector<PolledTask>)> done) {
  auto parked = std::make_shared<ParkedPoll>();
  parked->queues = std::move(queues);
  parked->max = max;
  parked->done = std::move(done);
  parked->server = std::all_of(parked->queues.begin(), parked->queues.end(),
                               [](const Queue* queue) { return isServerActor(*queue->actor); });
  parked_.push_back(parked);
  return parked;
}

std::size_t ReadyQueues::clientParkedCount() const {
  return static_cast<std::size_t>(std::count_if(
      parked_.begin(), parked_.end(), [](const auto& parked) { return !parked->server; }));
}

void ReadyQueues::serveParked(const Take& take, std::vector<std::function<void()>>& answers) {
  if (parked_.empty()) return;
  std::vector<std::shared_ptr<ParkedPoll>> waiting;
  for (auto& parked : parked_) {
    if (parked->answered) continue;
    std::vector<PolledTask> tasks;
    take(parked->queues, parked->max, tasks);
    if (tasks.empty()) {
      waiting.push_back(parked);
      continue;
    }
    parked->answered = true;
    answers.push_back([done = std::move(parked->done), tasks = std::move(tasks)]() mutable {
      done(std::move(tasks));
    });
  }
  parked_ = std::move(waiting);
}

void ReadyQueues::answerParked(std::vector<std::function<void()>>& answers) {
  for (auto& parked : parked_) {
    if (parked->answered) continue;
    parked->answered = true;
    answers.push_back([done = std::move(parked->done)] { done({}); });
  }
  parked_.clear();
}

void ReadyQueues::notePoll(const PollRequest& request, std::int64_t now) {
  for (const QueueSelector& queue : request.queues) {
    ActorRecord& record = actors_[queue.actor];
    record.lastPollAt = now;
    if (record.pollers.size() >= kMaxPollersPerActor && !record.pollers.contains(request.worker)) {
      std::erase_if(record.pollers,
                    [&](const auto& poller) { return poller.second < now - kPollerMemoryMs; });
      if (record.pollers.size() >= kMaxPollersPerActor) continue;
    }
    record.pollers[request.worker] = now;
  }
}

std::vector<QueueStats> ReadyQueues::stats(std::int64_t now) {
  std::map<std::pair<std::string, std::string>, QueueStats> stats;
  for (const auto& [key, counts] : graph_.queueCounts()) {
    if (counts.ready == 0 && counts.running == 0 && counts.waiting == 0) continue;
    QueueStats& entry = stats[{*key.actor, *key.taskList}];
    entry.ready = counts.ready;
    entry.running = counts.running;
    entry.waiting = counts.waiting;
  }
  for (auto& [key, queue] : queues_) {
    QueueStats& entry = stats[{*key.actor, *key.taskList}];
    // The oldest of each priority heads its list (and lists left empty go).
    std::optional<std::int64_t> oldest;
    std::erase_if(queue->byPriority, [](const auto& list) { return !list.second.linked(); });
    for (const auto& [priority, list] : queue->byPriority) {
      const Task* task = list.next()->task();
      oldest = std::min(oldest.value_or(task->readyAt), task->readyAt);
    }
    if (oldest) entry.oldestReadyMs = std::max<std::int64_t>(0, now - *oldest);
  }
  std::vector<QueueStats> result;
  for (auto& [key, entry] : stats) {
    entry.actor = key.first;
    entry.taskList = key.second;
    result.push_back(std::move(entry));
  }
  return result;
}

std::vector<ActorStats> ReadyQueues::actorStats(const std::vector<QueueStats>& queues,
                                                std::int64_t now) const {
  std::map<std::string, ActorStats> stats;
  for (const QueueStats& queue : queues) {
    ActorStats& actor = stats[queue.actor];
    actor.ready += queue.ready;
    actor.running += queue.running;
    actor.waiting += queue.waiting;
  }
  for (const std::string& actor : blocked_) stats[actor];
  for (const auto& [name, record] : actors_) {
    ActorStats& actor = stats[name];
    actor.lastPollAt = record.lastPollAt;
    for (const auto& [worker, at] : record.pollers) {
      if (at >= now - kPollerMemoryMs) actor.pollers.push_back(PollerStats{worker, at});
    }
  }
  std::vector<ActorStats> result;
  for (auto& [name, actor] : stats) {
    actor.actor = name;
    actor.blocked = blocked_.contains(name);
    result.push_back(std::move(actor));
  }
  return result;
}

}  // namespace pledge::server
