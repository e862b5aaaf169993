#include "pledge/server/engine/group_commit.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "pledge/server/node/metrics.h"

namespace pledge::server {

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
}

void GroupCommit::join() {
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void GroupCommit::whenDurable(Callback callback) {
  open_->callbacks.push_back(std::move(callback));
  wake_.notify_one();
}

void GroupCommit::waitForOpen(std::unique_lock<std::mutex>& lock) {
  const std::uint64_t target = open_->seq;
  wake_.notify_one();
  committed_.wait(lock, [&] {
    return stopping_ || committedSeq_ >= target ||
           (open_->seq == target && open_->empty() && committingSeq_ == 0);
  });
}

void GroupCommit::writerLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !open_->empty(); });
    if (open_->empty()) {
      if (stopping_) break;
      continue;
    }
    std::unique_ptr<Batch> batch = std::move(open_);
    open_ = std::make_unique<Batch>();
    open_->seq = nextSeq_++;
    WriteBatch rows;
    hooks_.materialize(*batch, rows);
    rows.events = std::move(batch->events);
    committingSeq_ = batch->seq;
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    try {
      batch->eventAnswers = store_.commit(rows);
      batch->events = std::move(rows.events);
    } catch (const std::exception& error) {
      // Memory is ahead of the store; nothing of the batch was acknowledged. The engine
      // forgets what it holds and reloads it from the store.
      spdlog::error("store commit failed; this node serves again once its partitions are "
                    "reloaded from the store: {}",
                    error.what());
      if (metrics_ != nullptr) metrics_->commitFailed();
      lock.lock();
      std::vector<Callback> callbacks = std::move(batch->callbacks);
      for (Callback& callback : open_->callbacks) callbacks.push_back(std::move(callback));
      open_ = std::make_unique<Batch>();
      open_->seq = nextSeq_++;
      committedSeq_ = batch->seq;
      committingSeq_ = 0;
      hooks_.failed(lock, std::move(callbacks), error.what());
      committed_.notify_all();
      continue;
    }
    if (metrics_ != nullptr) {
      metrics_->batchCommitted(
          static_cast<std::int64_t>(rows.tasks.size() + rows.processes.size()),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    lock.lock();
    committedSeq_ = batch->seq;
    committingSeq_ = 0;
    hooks_.committed(lock, *batch);
    committed_.notify_all();
  }
}

}  // namespace pledge::server
