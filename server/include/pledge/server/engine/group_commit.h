// GroupCommit: the open batch that every change joins, and the writer thread that makes batches
// durable one after another (a batch fills while the previous one commits). On a store that
// pipelines its commits (PostgreSQL) the writer sends the next batch while the store still
// commits the one before, so that the database does not wait for the server between commits
// (docs/journal-store.md, "The eighth round"). A batch holds the effects of the operations
// applied to the graph since the last one and the callbacks that answer their requests; they
// run only after its commit (or its failure), in order, so that nothing is acknowledged that
// the store does not hold.
//
// Called under the engine's lock; the writer thread holds it too, except while it commits.
// The engine's hooks run on the writer thread under the lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pledge/error.h"
#include "pledge/server/engine/process_graph.h"
#include "pledge/server/store/store.h"

namespace pledge::server {

class Metrics;

class GroupCommit {
 public:
  using Callback = std::function<void(const std::optional<Error>&)>;

  struct Batch {
    std::uint64_t seq = 0;
    Effects effects;
    // Run after the commit (or its failure), outside the lock: answers to the requests this
    // batch holds.
    std::vector<Callback> callbacks;
    // Processes this batch wrote as dormant: they leave memory after the commit.
    std::vector<Process*> dormant;
    // Event operations it runs in its transaction (docs/events.md), what they found (set by
    // the commit), and where each send's answer goes (its callback reads it).
    EventOps events;
    EventAnswers eventAnswers;
    std::vector<std::shared_ptr<EventDelivery>> sendSlots;

    bool empty() const { return effects.empty() && callbacks.empty() && events.empty(); }
  };

  struct Hooks {
    // The rows to write for the batch.
    std::function<void(Batch& batch, WriteBatch& rows)> materialize;
    // The batch is durable.
    std::function<void(std::unique_lock<std::mutex>& lock, Batch& batch)> committed;
    // The batch failed to commit: callbacks are those of it and of the open batch (which built
    // on it and is dropped too); each must be answered with the failure.
    std::function<void(std::unique_lock<std::mutex>& lock, std::vector<Callback> callbacks,
                       const std::string& why)>
        failed;
  };

  GroupCommit(Store& store, std::mutex& mutex, Metrics* metrics);
  // Starts the writer thread.
  void start(Hooks hooks);
  // The writer commits what is open and ends (under the lock); join() waits for it (without).
  void stop();
  void join();

  Batch& open() { return *open_; }
  // Tells the writer that the open batch has something to commit.
  void wake();
  // Runs callback once the open batch is committed (no error) or failed to commit.
  void whenDurable(Callback callback);
  // Waits until what the open batch holds now is committed (or the writer stops).
  void waitForOpen(std::unique_lock<std::mutex>& lock);
  std::uint64_t committedSeq() const { return committedSeq_; }

 private:
  // A batch taken from open_ and the rows it writes.
  struct Taken {
    std::unique_ptr<Batch> batch;
    WriteBatch rows;
    std::chrono::steady_clock::time_point started;
  };

  void writerLoop();
  Taken take();
  // Runs work without the lock; returns the message of what it threw.
  std::optional<std::string> attempt(std::unique_lock<std::mutex>& lock,
                                     const std::function<void()>& work);
  // Waits for the oldest batch sent and runs its hooks. False when interrupted (the open batch
  // has something to send: only when interruptible) or when it failed (then everything sent
  // failed, with extra when given).
  bool finishOldest(std::unique_lock<std::mutex>& lock, bool interruptible, Taken* extra);
  void done(std::unique_lock<std::mutex>& lock, Taken& taken);
  // Fails everything sent, extra (when given) and the open batch, which built on them.
  void failAll(std::unique_lock<std::mutex>& lock, Taken* extra, const std::string& why);

  Store& store_;
  std::mutex& mutex_;
  Metrics* metrics_;
  Hooks hooks_;
  std::unique_ptr<Batch> open_;
  std::uint64_t nextSeq_ = 1;
  std::uint64_t committedSeq_ = 0;
  // Batches sent to a store that pipelines commits, oldest first, awaiting their outcome.
  std::deque<Taken> sent_;
  // Batches taken from open_ and not done yet; committed_ is signalled after each.
  int committing_ = 0;
  // The writer waits for a commit and would send the open batch if it had something.
  bool awaiting_ = false;
  std::condition_variable wake_;
  std::condition_variable committed_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace pledge::server
