#include "pledge/actor_runner.h"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "gradient_limit.h"
#include "pledge/cancellation.h"
#include "pledge/task_runtime.h"

namespace pledge {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kHeartbeatTick{100};
constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kLongestBackoff{5'000};
constexpr std::chrono::seconds kWarningInterval{10};

}  // namespace

// The batch of one pool's polls. Fixed: pollBatch. Adaptive: pollShare() of the pool's
// GradientLimit, which every release-and-poll round trip of the pool's threads feeds with its
// time, the tasks the pool held and whether the poll came back full, and of the measured time a
// task takes to run. Internally synchronized.
class ActorRunner::PoolBatch {
 public:
  explicit PoolBatch(const ActorPoolConfig& pool)
      : actor_(pool.actor), threads_(pool.threads), perPoll_(pool.pollBatch) {
    if (!pool.adaptive) return;
    limit_.emplace(
        GradientLimitOptions{.initial = std::min(pool.pollBatch, pool.maxPollBatch) * threads_,
                             .min = threads_,
                             .max = pool.maxPollBatch * threads_});
    perPoll_ = pollShare(limit_->limit(), threads_, 0);
  }

  int perPoll() const { return perPoll_.load(std::memory_order_relaxed); }
  // A thread took count tasks in hand (a negative count: it released them).
  void hold(int count) { inFlight_ += count; }
  void onRoundTrip(Clock::duration rtt, bool full) {
    if (!limit_) return;
    std::lock_guard lock(mutex_);
    const int before = limit_->limit();
    const int after = limit_->onSample(rtt, inFlight_.load(), full);
    if (after != before) {
      const int share = pollShare(after, threads_, runNs_);
      spdlog::debug("{}: in-flight limit {} ({} per poll), round trips {:.2f} ms long-term",
                    actor_, after, share, limit_->longRttNs() / 1e6);
    }
    perPoll_ = pollShare(after, threads_, runNs_);
  }
  // A thread ran count tasks in `took`: the average a task takes (an exponential average over
  // about 10 batches) bounds the batch (pollShare).
  void onRan(int count, Clock::duration took) {
    if (!limit_ || count <= 0) return;
    std::lock_guard lock(mutex_);
    const double perTask = std::chrono::duration<double, std::nano>(took).count() / count;
    runNs_ = runNs_ == 0 ? perTask : runNs_ + (perTask - runNs_) * kRunSmoothing;
    perPoll_ = pollShare(limit_->limit(), threads_, runNs_);
  }
  // The in-flight limit of an adaptive pool; nullopt when fixed.
  std::optional<int> limit() const {
    std::lock_guard lock(mutex_);
    return limit_ ? std::optional<int>(limit_->limit()) : std::nullopt;
  }

 private:
  static constexpr double kRunSmoothing = 0.2;

  const std::string actor_;
  const int threads_;
  std::atomic<int> perPoll_;
  std::atomic<int> inFlight_{0};
  mutable std::mutex mutex_;
  std::optional<GradientLimit> limit_;
  double runNs_ = 0;  // a task's average run time (0: none ran yet)
};

ActorRunner::ActorRunner(const ActorRegistry& registry, RestClient& client,
                         std::vector<ActorPoolConfig> pools, RunnerOptions options)
    : registry_(registry), client_(client), pools_(std::move(pools)), options_(options) {
  PLEDGE_REQUIRE(!pools_.empty(), "no actors to run");
  for (const ActorPoolConfig& pool : pools_) {
    if (registry_.find(pool.actor) == nullptr) {
      std::string known;
      for (const std::string& actor : registry_.actors()) {
        known += (known.empty() ? "" : ", ") + actor;
      }
      throw Error(ErrorCode::BadRequest,
                  fmt::format("actor {} is in no loaded plugin (they have: {})", pool.actor,
                              known.empty() ? "none" : known));
    }
    PLEDGE_REQUIRE(pool.threads >= 1 && pool.threads <= 1024,
                   "{}: threads must be 1 to 1024, got {}", pool.actor, pool.threads);
    PLEDGE_REQUIRE(pool.pollBatch >= 1 && pool.pollBatch <= 1000,
                   "{}: pollBatch must be 1 to 1000, got {}", pool.actor, pool.pollBatch);
    PLEDGE_REQUIRE(pool.maxPollBatch >= 1 && pool.maxPollBatch <= 1000,
                   "{}: maxPollBatch must be 1 to 1000, got {}", pool.actor, pool.maxPollBatch);
    batches_.push_back(std::make_unique<PoolBatch>(pool));
  }
}

ActorRunner::~ActorRunner() { stop(); }

void ActorRunner::start() {
  if (started_.exchange(true)) return;
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    const ActorPoolConfig& pool = pools_[p];
    PoolBatch& batch = *batches_[p];
    const ActorEntry& entry = *registry_.find(pool.actor);
    for (int i = 0; i < pool.threads; ++i) {
      threads_.emplace_back([this, &entry, &pool, &batch] { poolLoop(entry, pool, batch); });
    }
    spdlog::info("running {} with {} thread(s), poll batch {}{}", pool.actor, pool.threads,
                 pool.adaptive
                     ? fmt::format("auto (from {}, at most {})", batch.perPoll(), pool.maxPollBatch)
                     : std::to_string(pool.pollBatch),
                 pool.taskList.empty() ? "" : ", task list " + pool.taskList);
  }
  heartbeats_ = std::thread([this] { heartbeatLoop(); });
}

void ActorRunner::stop() {
  if (stopping_.exchange(true)) return;
  wake_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  poolsDone_ = true;
  wake_.notify_all();
  if (heartbeats_.joinable()) heartbeats_.join();
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    if (std::optional<int> limit = batches_[p]->limit()) {
      spdlog::info("{}: in-flight limit {} at the stop ({} per poll)", pools_[p].actor, *limit,
                   batches_[p]->perPoll());
    }
  }
}

RunnerStats ActorRunner::stats() const {
  return RunnerStats{executed_.load(), failed_.load(), released_.load(), rejected_.load(),
                     heartbeatsSent_.load()};
}

void ActorRunner::pause(milliseconds duration) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [&] { return stopping_.load(); });
}

void ActorRunner::warnThrottled(const std::string& key, const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    auto& last = lastWarning_[key];
    if (Clock::now() - last < kWarningInterval) return;
    last = Clock::now();
  }
  spdlog::warn("{}", message);
}

void ActorRunner::poolLoop(const ActorEntry& entry, const ActorPoolConfig& pool, PoolBatch& batch) {
  std::unique_ptr<TaskRuntime> runtime = makeRuntime(entry);
  const std::vector<QueueSelector> queues = {QueueSelector{pool.actor, pool.taskList}};
  milliseconds backoff = kFirstBackoff;
  // The batch in hand: from a long poll, or leased by the release of the batch before. Whatever
  // is in hand runs, stopping or not; only the polls stop.
  std::vector<PolledTask> tasks;
  // Every node of a cluster is polled at once; what it leased while this thread was busy joins the
  // next batch. A stop ends its polls and runs what they leased before the thread ends.
  int pollerMax = batch.perPoll();
  Poller poller(client_, queues, pollerMax, options_.pollWait);
  bool pollerStopped = false;
  while (true) {
    if (batch.perPoll() != pollerMax) {
      pollerMax = batch.perPoll();
      poller.setMax(pollerMax);
    }
    if (tasks.empty()) {
      if (stopping_) {
        if (pollerStopped) break;
        pollerStopped = true;
        tasks = poller.stop();
        continue;
      }
      try {
        tasks = poller.next();
        backoff = kFirstBackoff;
      } catch (const Error& error) {
        warnThrottled("poll " + pool.actor,
                      fmt::format("{}: poll failed, retrying: {}", pool.actor, error.what()));
        pause(backoff);
        backoff = std::min(backoff * 2, kLongestBackoff);
      }
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      for (const PolledTask& task : tasks) {
        held_[task.taskId] = Held{task.attempt, task.timeoutMs, Clock::now()};
      }
    }
    batch.hold(static_cast<int>(tasks.size()));
    const Clock::time_point ranFrom = Clock::now();
    std::vector<Decision> decisions;
    decisions.reserve(tasks.size());
    for (const PolledTask& task : tasks) {
      std::stop_source stop;
      {
        std::lock_guard lock(mutex_);
        auto held = held_.find(task.taskId);
        if (held == held_.end()) {
          stop.request_stop();  // refused while it waited its turn in the batch
        } else {
          stop = held->second.stop;
        }
      }
      std::stop_token token = stop.get_token();
      detail::CurrentTaskScope current(std::move(token));
      decisions.push_back(runtime->execute(task));
      ++executed_;
      if (decisions.back().failed()) {
        ++failed_;
        spdlog::debug("{}.{} attempt {} failed: {}: {}", task.actor, task.method, task.attempt,
                      decisions.back().error->type(), decisions.back().error->message());
      }
    }
    batch.onRan(static_cast<int>(tasks.size()), Clock::now() - ranFrom);
    std::vector<PolledTask> next =
        releaseUntilAcknowledged(std::move(decisions), pool, queues, batch);
    {
      std::lock_guard lock(mutex_);
      for (const PolledTask& task : tasks) held_.erase(task.taskId);
    }
    batch.hold(-static_cast<int>(tasks.size()));
    tasks = std::move(next);
    if (!pollerStopped) {
      std::vector<PolledTask> arrived = poller.take();
      tasks.insert(tasks.end(), std::make_move_iterator(arrived.begin()),
                   std::make_move_iterator(arrived.end()));
    }
  }
}

std::vector<PolledTask> ActorRunner::releaseUntilAcknowledged(
    std::vector<Decision> decisions, const ActorPoolConfig& pool,
    const std::vector<QueueSelector>& queues, PoolBatch& batch) {
  const std::string& actor = pool.actor;
  milliseconds backoff = kFirstBackoff;
  std::optional<Clock::time_point> giveUpAt;
  // The first try also leases the next batch, unless stopping; a retry does not (the lost answer
  // of the first may have leased tasks already: they come back after their leases expire).
  bool withPoll = !stopping_;
  // Decisions still to release: all at first, then those a node could not take at the time
  // (Unavailable: their partition moving, the store failing) while the others were taken.
  std::vector<Decision> pending = std::move(decisions);
  std::vector<PolledTask> next;
  while (true) {
    try {
      ReleaseAnswer answer;
      if (withPoll) {
        const Clock::time_point sent = Clock::now();
        const int asked = batch.perPoll();
        answer = client_.releaseAndPoll(pending, queues, asked);
        batch.onRoundTrip(Clock::now() - sent,
                          answer.tasks && static_cast<int>(answer.tasks->size()) >= asked);
      } else {
        answer.results = client_.release(pending);
      }
      withPoll = false;
      if (answer.tasks) {
        next.insert(next.end(), std::make_move_iterator(answer.tasks->begin()),
                    std::make_move_iterator(answer.tasks->end()));
      }
      std::vector<Decision> again;
      std::string why;
      for (std::size_t i = 0; i < answer.results.size(); ++i) {
        const ReleaseOutcome& outcome = answer.results[i];
        if (outcome.status != ReleaseStatus::Rejected) {
          ++released_;
        } else if (outcome.error && outcome.error->code() == ErrorCode::Cancelled) {
          // Expected after an abort or a deadline: nothing to keep.
          ++rejected_;
          spdlog::debug("{}: release of cancelled task {} dropped", actor,
                        outcome.taskId.toString());
        } else if (outcome.error && outcome.error->code() == ErrorCode::Unavailable &&
                   i < pending.size()) {
          again.push_back(pending[i]);
          why = outcome.error->message();
        } else {
          ++rejected_;
          spdlog::warn("{}: release of task {} refused: {}", actor, outcome.taskId.toString(),
                       outcome.error ? outcome.error->message() : "no reason");
        }
      }
      if (again.empty()) return next;
      pending = std::move(again);
      throw Error(ErrorCode::Unavailable,
                  fmt::format("{} decision(s) not taken now: {}", pending.size(), why));
    } catch (const Error& error) {
      withPoll = false;
      if (error.code() != ErrorCode::Unavailable && error.code() != ErrorCode::Internal) {
        spdlog::error("{}: release refused as a whole: {}", actor, error.what());
        rejected_ += static_cast<std::int64_t>(pending.size());
        return next;
      }
      if (stopping_ && !giveUpAt) giveUpAt = Clock::now() + options_.releaseGraceOnStop;
      if (giveUpAt && Clock::now() >= *giveUpAt) {
        spdlog::error(
            "{}: gave up releasing {} decision(s) while stopping; their tasks run again "
            "after their leases expire",
            actor, pending.size());
        return next;
      }
      warnThrottled("release " + actor,
                    fmt::format("{}: release failed, retrying: {}", actor, error.what()));
      // Not pause(): a stop must not cut the retries short.
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, kLongestBackoff);
    }
  }
}

void ActorRunner::heartbeatLoop() {
  // Runs until every pool thread has ended: stopping threads still finish and release tasks.
  while (!poolsDone_) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kHeartbeatTick, [&] { return poolsDone_.load(); });
    }
    std::vector<std::pair<Uuid, int>> due;
    {
      std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      for (auto& [id, held] : held_) {
        if (now - held.lastBeat >= milliseconds(held.timeoutMs / 2)) {
          due.emplace_back(id, held.attempt);
          held.lastBeat = now;
        }
      }
    }
    for (const auto& [id, attempt] : due) {
      try {
        if (auto refused = client_.heartbeat(id, attempt)) {
          if (refused->code() == ErrorCode::Cancelled) {
            spdlog::info("{}; asking its code to stop", refused->message());
          } else {
            spdlog::warn("heartbeat of task {} refused, its lease is lost: {}", id.toString(),
                         refused->message());
          }
          // Either way its work is no longer wanted: pledge::cancelled() turns true.
          std::lock_guard lock(mutex_);
          if (auto held = held_.find(id); held != held_.end()) {
            held->second.stop.request_stop();
            held_.erase(held);
          }
        } else {
          ++heartbeatsSent_;
        }
      } catch (const Error& error) {
        warnThrottled("heartbeat", fmt::format("heartbeat failed, retrying: {}", error.what()));
      }
    }
  }
}

}  // namespace pledge
