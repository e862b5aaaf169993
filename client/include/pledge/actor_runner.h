// ActorRunner: runs actors of a registry against pledge-server: per actor a pool of threads, each
// long-polling (every node of a cluster at once, through a Poller) for up to pollBatch tasks
// (fixed, or adaptive: following the measured round trips, see ActorPoolConfig), running them
// through the actor's runtime and releasing the decisions in one request, retried until
// acknowledged (release is idempotent); the release also leases the next batch when one is
// ready, so a busy thread makes one request per batch. Tasks held longer than half their lease
// get heartbeats; a heartbeat answered "cancelled" (or that the lease is lost) requests a stop of
// the task's stop token, which its method sees through pledge::cancelled() (cancellation.h).
// pledge-bootstrap is this plus YAML and plugins; a program that links its actors uses it directly:
//
//   pledge::ActorRegistry registry;
//   pledge_register_notification(registry);
//   pledge::RestClient client({"http://127.0.0.1:8080"});
//   pledge::ActorRunner runner(registry, client, {{.actor = "MailService#1.0", .threads = 4}});
//   runner.start();
//   ...
//   runner.stop();   // stops polling, finishes and releases what it holds
//
// Thread-safe; destroying it stops it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "pledge/actor_registry.h"
#include "pledge/rest_client.h"

namespace pledge {

struct ActorPoolConfig {
  std::string actor;
  int threads = 1;
  // Tasks one poll may lease (run one after another by the thread that polled them). With
  // adaptive, the batch a thread starts with.
  int pollBatch = 1;
  std::string taskList;
  // pollBatch: auto. The pool keeps an in-flight limit that follows the measured round trips of
  // its release-and-poll requests (GradientLimit, after Netflix's Gradient2): it doubles at first,
  // then grows while they stay at their usual time and shrinks when they inflate; each poll
  // leases up to ceil(limit / threads), from 1 to maxPollBatch, and no more than the thread runs
  // in about 100 ms at the measured time a task takes (kPollRunTime).
  bool adaptive = false;
  int maxPollBatch = 1'000;
};

struct RunnerOptions {
  // How long one poll waits for a task. A graceful stop waits for polls under way, so this also
  // bounds how long a stop takes when idle.
  std::chrono::milliseconds pollWait{2'000};
  // After a stop, how long unacknowledged releases are retried before giving up (their tasks
  // are then handed out again after their leases expire).
  std::chrono::milliseconds releaseGraceOnStop{30'000};
};

struct RunnerStats {
  std::int64_t executed = 0;
  std::int64_t failed = 0;
  std::int64_t released = 0;
  std::int64_t rejected = 0;
  std::int64_t heartbeats = 0;
};

class ActorRunner {
 public:
  // Throws Error(BadRequest) when a pool names an actor the registry does not have, or has a
  // thread count or batch out of range.
  ActorRunner(const ActorRegistry& registry, RestClient& client, std::vector<ActorPoolConfig> pools,
              RunnerOptions options = {});
  ~ActorRunner();
  ActorRunner(const ActorRunner&) = delete;
  ActorRunner& operator=(const ActorRunner&) = delete;

  void start();
  // Stops polling, lets every thread finish and release the tasks it holds, then returns.
  // Idempotent.
  void stop();
  RunnerStats stats() const;

 private:
  // A pool's batch: fixed, or adaptive (actor_runner.cpp).
  class PoolBatch;

  struct Held {
    int attempt;
    std::int64_t timeoutMs;
    std::chrono::steady_clock::time_point lastBeat;
    // Stopped when the server says the task was cancelled or its lease is lost.
    std::stop_source stop;
  };

  void poolLoop(const ActorEntry& entry, const ActorPoolConfig& pool, PoolBatch& batch);
  void heartbeatLoop();
  // Releases decisions, retrying until acknowledged; the first try also leases the pool's next
  // batch (returned) unless the runner is stopping.
  std::vector<PolledTask> releaseUntilAcknowledged(std::vector<Decision> decisions,
                                                   const ActorPoolConfig& pool,
                                                   const std::vector<QueueSelector>& queues,
                                                   PoolBatch& batch);
  // Sleeps up to duration; returns early when stopping.
  void pause(std::chrono::milliseconds duration);
  void warnThrottled(const std::string& key, const std::string& message);

  const ActorRegistry& registry_;
  RestClient& client_;
  std::vector<ActorPoolConfig> pools_;
  // One per pool, in the order of pools_.
  std::vector<std::unique_ptr<PoolBatch>> batches_;
  RunnerOptions options_;

  std::atomic<bool> stopping_{false};
  std::atomic<bool> started_{false};
  std::atomic<bool> poolsDone_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::unordered_map<Uuid, Held> held_;
  std::map<std::string, std::chrono::steady_clock::time_point> lastWarning_;
  std::vector<std::thread> threads_;
  std::thread heartbeats_;

  std::atomic<std::int64_t> executed_{0};
  std::atomic<std::int64_t> failed_{0};
  std::atomic<std::int64_t> released_{0};
  std::atomic<std::int64_t> rejected_{0};
  std::atomic<std::int64_t> heartbeatsSent_{0};
};

}  // namespace pledge
