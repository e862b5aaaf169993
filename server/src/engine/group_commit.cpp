#include "pledge/server/engine/group_commit.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "pledge/server/node/metrics.h"

namespace pledge::server {
namespace {

// Batches in flight at once on a store that pipelines commits: one running in the database,
// the next on its way.
constexpr std::size_t kMaxSent = 2;

}  // namespace

GroupCommit::GroupCommit(Store& store, std::mutex& mutex, Metrics* metrics)
    : store_(store), mutex_(mutex), metrics_(metrics), open_(std::make_unique<Batch>()) {
  open_->seq = nextSeq_++;
}

void GroupCommit::start(Hooks hooks) {
  hooks_ = std::move(hooks);
  writer_ = std::thread([this] { writerLoop(); });
}

void GroupCommit::stop() {
  stopping_ = true;
  committed_.notify_all();
  wake();
}

void GroupCommit::join() {
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void GroupCommit::wake() {
  wake_.notify_one();
  if (awaiting_) {
    awaiting_ = false;
    store_.interruptAwait();
  }
}

void GroupCommit::whenDurable(Callback callback) {
  open_->callbacks.push_back(std::move(callback));
  wake();
}

void GroupCommit::waitForOpen(std::unique_lock<std::mutex>& lock) {
  const std::uint64_t target = open_->seq;
  wake();
  committed_.wait(lock, [&] {
    return stopping_ || committedSeq_ >= target ||
           (open_->seq == target && open_->empty() && committing_ == 0);
  });
}

GroupCommit::Taken GroupCommit::take() {
  Taken taken{.batch = std::move(open_), .rows = {}, .started = std::chrono::steady_clock::now()};
  open_ = std::make_unique<Batch>();
  open_->seq = nextSeq_++;
  hooks_.materialize(*taken.batch, taken.rows);
  taken.rows.events = std::move(taken.batch->events);
  ++committing_;
  return taken;
}

std::optional<std::string> GroupCommit::attempt(std::unique_lock<std::mutex>& lock,
                                                const std::function<void()>& work) {
  lock.unlock();
  std::optional<std::string> failure;
  try {
    work();
  } catch (const std::exception& error) {
    failure = error.what();
  }
  lock.lock();
  return failure;
}

void GroupCommit::writerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (sent_.empty()) {
      wake_.wait(lock, [&] { return stopping_ || !open_->empty(); });
      if (open_->empty()) {
        if (stopping_) break;
        continue;
      }
    }
    // A batch in flight that writes processes dormant holds the next one back: the hooks of its
    // commit decide which of them leave memory, and the next batch's rows depend on that.
    const bool roomToSend =
        sent_.size() < kMaxSent && std::all_of(sent_.begin(), sent_.end(), [](const Taken& t) {
          return t.batch->dormant.empty();
        });
    if (open_->empty() || !roomToSend) {
      finishOldest(lock, /*interruptible=*/roomToSend, nullptr);
      continue;
    }
    Taken taken = take();
    if (store_.canPipeline(taken.rows)) {
      std::optional<std::string> failure =
          attempt(lock, [&] { store_.sendCommit(taken.rows); });
      sent_.push_back(std::move(taken));
      if (failure) failAll(lock, nullptr, *failure);
      continue;
    }
    // commit() goes alone.
    while (!sent_.empty()) {
      if (!finishOldest(lock, false, &taken) && sent_.empty()) break;
    }
    if (taken.batch == nullptr) continue;  // failed with them
    std::optional<std::string> failure = attempt(lock, [&] {
      taken.batch->eventAnswers = store_.commit(taken.rows);
      taken.batch->events = std::move(taken.rows.events);
    });
    if (failure) {
      failAll(lock, &taken, *failure);
    } else {
      done(lock, taken);
    }
  }
}

bool GroupCommit::finishOldest(std::unique_lock<std::mutex>& lock, bool interruptible,
                               Taken* extra) {
  awaiting_ = interruptible;
  std::optional<EventAnswers> answers;
  std::optional<std::string> failure = attempt(lock, [&] { answers = store_.awaitCommit(); });
  awaiting_ = false;
  if (failure) {
    failAll(lock, extra, *failure);
    return false;
  }
  if (!answers) return false;  // interrupted
  Taken taken = std::move(sent_.front());
  sent_.pop_front();
  taken.batch->eventAnswers = std::move(*answers);
  done(lock, taken);
  return true;
}

void GroupCommit::done(std::unique_lock<std::mutex>& lock, Taken& taken) {
  Batch& batch = *taken.batch;
  if (metrics_ != nullptr) {
    metrics_->batchCommitted(
        static_cast<std::int64_t>(taken.rows.tasks.size() + taken.rows.processes.size()),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - taken.started).count());
  }
  committedSeq_ = batch.seq;
  --committing_;
  hooks_.committed(lock, batch);
  committed_.notify_all();
}

void GroupCommit::failAll(std::unique_lock<std::mutex>& lock, Taken* extra,
                          const std::string& why) {
  // Memory is ahead of the store; nothing of these batches was acknowledged. The engine
  // forgets what it holds and reloads it from the store.
  spdlog::error("store commit failed; this node serves again once its partitions are "
                "reloaded from the store: {}",
                why);
  if (metrics_ != nullptr) metrics_->commitFailed();
  std::vector<Callback> callbacks;
  std::uint64_t last = 0;
  const auto collect = [&](Taken& taken) {
    for (Callback& callback : taken.batch->callbacks) callbacks.push_back(std::move(callback));
    last = std::max(last, taken.batch->seq);
    --committing_;
    taken.batch.reset();
  };
  for (Taken& taken : sent_) collect(taken);
  sent_.clear();
  if (extra != nullptr && extra->batch != nullptr) collect(*extra);
  for (Callback& callback : open_->callbacks) callbacks.push_back(std::move(callback));
  open_ = std::make_unique<Batch>();
  open_->seq = nextSeq_++;
  committedSeq_ = std::max(committedSeq_, last);
  hooks_.failed(lock, std::move(callbacks), why);
  committed_.notify_all();
}

}  // namespace pledge::server
