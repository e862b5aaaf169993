// Starts: one or many processes, deduplicated by customId or requestId (see StartKeys), and the
// limits on the queues and names the engine tracks.
#include <algorithm>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "pledge/server/engine/engine.h"

namespace pledge::server {

void Engine::startProcess(const StartRequest& request,
                          std::function<void(Result<StartedProcess>)> done) {
  startProcesses({request}, [done = std::move(done)](std::vector<Result<StartedProcess>> results) {
    done(std::move(results.front()));
  });
}

void Engine::startProcesses(const std::vector<StartRequest>& requests,
                            std::function<void(std::vector<Result<StartedProcess>>)> done) {
  auto stoppingAnswer = [&] {
    return std::vector<Result<StartedProcess>>(
        requests.size(), Error(ErrorCode::Unavailable, "the server is stopping"));
  };
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    done(stoppingAnswer());
    return;
  }
  // A start whose key (customId or requestId) is not in memory asks the store whether it ran
  // already, outside the lock and before anything changes. Meanwhile every keyed start of the
  // batch is registered, so that a process of such a key leaving memory leaves a tombstone.
  std::vector<std::size_t> lookups;
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    keys.push_back(StartKeys::of(requests[i]));
    if (!keys.back().empty() && !startKeys_.find(graph_, requests[i])) lookups.push_back(i);
  }
  std::vector<std::optional<StartedProcess>> stored(requests.size());
  std::optional<Error> lookupFailed;
  if (!lookups.empty()) {
    startKeys_.lookingUp(keys);
    lock.unlock();
    std::vector<StartKey> asked;
    for (std::size_t i : lookups)
      asked.push_back(StartKey{requests[i].options.customId, requests[i].options.requestId});
    try {
      std::vector<std::optional<StartedProcess>> found = store_->findStarts(asked);
      for (std::size_t k = 0; k < lookups.size() && k < found.size(); ++k)
        stored[lookups[k]] = found[k];
    } catch (const std::exception& error) {
      lookupFailed =
          Error(ErrorCode::Unavailable,
                fmt::format("cannot tell whether this start ran already: the store cannot be read "
                            "({}); retry",
                            error.what()));
    }
    lock.lock();
  }
  std::vector<Result<StartedProcess>> results;
  if (stopping_) {
    results = stoppingAnswer();
  } else {
    const std::int64_t now = nowMs();
    Effects effects;
    results.reserve(requests.size());
    std::size_t nextLookup = 0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const bool looked = nextLookup < lookups.size() && lookups[nextLookup] == i;
      if (looked) ++nextLookup;
      results.emplace_back(startLocked(requests[i], now, effects, stored[i],
                                       looked ? lookupFailed : std::optional<Error>()));
    }
    absorb(effects);
  }
  if (!lookups.empty()) startKeys_.lookedUp(keys);
  if (stopping_) {
    lock.unlock();
    done(std::move(results));
    return;
  }
  whenDurable([done = std::move(done),
               results = std::move(results)](const std::optional<Error>& failed) mutable {
    if (failed) {
      for (auto& result : results) {
        if (result.ok()) result = *failed;
      }
    }
    done(std::move(results));
  });
}

Result<StartedProcess> Engine::startLocked(const StartRequest& request, std::int64_t now,
                                           Effects& effects,
                                           const std::optional<StartedProcess>& stored,
                                           const std::optional<Error>& lookupFailed) {
  const std::optional<int> partition = partitionOfStart(request);
  if (partition && !serving(*partition)) return notServed(*partition);
  if (auto existing = startKeys_.find(graph_, request)) return *existing;
  if (stored) return *stored;
  if (lookupFailed) return *lookupFailed;
  std::optional<Uuid> processId = ownership_.newProcessId(partition);
  if (!processId) {
    if (storeProblem_) return notServed(0);
    return Error(ErrorCode::Unavailable,
                 "this node serves no partition yet (it is joining the cluster); retry");
  }
  const bool waits = startWaitsForMemory();
  Process& process = graph_.startProcess(request, *processId, Uuid::random(), now, effects);
  process.waitingForMemory = waits;
  // (One that waits leaves memory as it is; it is expected to grow once loaded again.)
  if (!waits) graph_.expect(process, budget_.expectedBytes());
  if (metrics_ != nullptr) metrics_->processStarted();
  return StartedProcess{process.id, process.startTask->id, false};
}

bool Engine::waitsAreUnderTheLimit(const std::vector<QueueSelector>& queues) const {
  const bool server = !queues.empty() && std::all_of(queues.begin(), queues.end(),
                                                      [](const QueueSelector& queue) {
                                                        return isServerActor(queue.actor);
                                                      });
  if (server) return true;  // the server's own runner: not a client's wait
  if (queues_.parkedCount() + watches_.count() < options_.maxParkedRequests) return true;
  return queues_.clientParkedCount() + watches_.count() < options_.maxParkedRequests;
}

std::size_t Engine::clientQueues() const {
  const std::size_t all = std::max(queues_.size(), graph_.queueCounts().size());
  return all - std::min(all, queues_.serverQueues());
}

void Engine::checkRoomFor(const std::vector<QueueSelector>& queues) const {
  std::size_t newNames = 0;
  std::size_t newQueues = 0;
  for (const QueueSelector& queue : queues) {
    if (isServerActor(queue.actor)) continue;  // not the clients' to count
    const std::string* actor = graph_.findName(queue.actor);
    const std::string* taskList = graph_.findName(queue.taskList);
    newNames += (actor != nullptr ? 0 : 1) + (taskList != nullptr ? 0 : 1);
    const QueueKey key{actor, taskList};
    if (actor == nullptr || taskList == nullptr ||
        (!queues_.contains(key) && !graph_.queueCounts().contains(key))) {
      ++newQueues;
    }
  }
  const std::size_t tracked = clientQueues();
  if (newQueues > 0 && tracked + newQueues > options_.maxQueues) {
    throw Error(
        ErrorCode::LimitExceeded,
        fmt::format("actors: the server tracks its limit of {} queues (actor and task list pairs); "
                    "poll queues that exist, or raise --max-queues",
                    options_.maxQueues));
  }
  if (newNames > 0 && graph_.nameCount() + newNames > options_.maxNames) {
    throw Error(
        ErrorCode::LimitExceeded,
        fmt::format("actors: the server tracks its limit of {} names (actors, methods, task lists)",
                    options_.maxNames));
  }
}

std::optional<Error> Engine::checkRoomFor(const std::vector<TaskSpec>& specs) const {
  if (specs.empty()) return std::nullopt;
  std::unordered_set<std::string_view> names;
  std::set<std::pair<std::string_view, std::string_view>> queues;
  for (const TaskSpec& spec : specs) {
    const std::string& taskList = spec.options.taskList ? *spec.options.taskList : std::string();
    for (const std::string* name : {&spec.actor, &spec.method}) {
      if (!graph_.knowsName(*name)) names.insert(*name);
    }
    if (!graph_.knowsName(taskList)) names.insert(taskList);
    if ((!graph_.knowsName(spec.actor) || !graph_.knowsName(taskList)) &&
        !isServerActor(spec.actor))
      queues.emplace(spec.actor, taskList);
  }
  const std::size_t tracked = clientQueues();
  if (!queues.empty() && tracked + queues.size() > options_.maxQueues) {
    return Error(
        ErrorCode::LimitExceeded,
        fmt::format(
            "tasks: they would add {} queues to the {} the server tracks, over its limit of {}",
            queues.size(), tracked, options_.maxQueues));
  }
  if (!names.empty() && graph_.nameCount() + names.size() > options_.maxNames) {
    return Error(
        ErrorCode::LimitExceeded,
        fmt::format(
            "tasks: they would add {} names (actors, methods, task lists) to the {} the server "
            "tracks, over its limit of {}",
            names.size(), graph_.nameCount(), options_.maxNames));
  }
  return std::nullopt;
}

}  // namespace pledge::server
