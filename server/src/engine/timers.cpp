#include "pledge/server/engine/timers.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace pledge::server {
namespace {

// Leases due to be written are gathered this long, so that one wake-up writes many.
constexpr std::int64_t kLeaseWriteSlackMs = 100;

}  // namespace

void Timers::atTask(std::int64_t deadline, Task& task) {
  tasks_.schedule(task, deadline);
  arm(deadline);
}

void Timers::atProcess(std::int64_t deadline, const Uuid& processId) {
  processes_.emplace(deadline, processId);
  arm(deadline);
}

void Timers::atRequest(std::int64_t deadline, std::function<void()> expire) {
  requests_.emplace(deadline, std::move(expire));
  arm(deadline);
}

void Timers::atLeaseWrite(std::int64_t due, Task& task) {
  if (!leaseWrites_.linked()) arm(due + kLeaseWriteSlackMs);
  task.leaseWriteDue = due;
  leaseWrites_.insertBefore(task.leaseLink);
}

std::int64_t Timers::next(std::int64_t fallback) const {
  std::int64_t next = fallback;
  if (std::optional<std::int64_t> task = tasks_.next()) next = std::min(next, *task);
  if (!processes_.empty()) next = std::min(next, processes_.top().first);
  if (!requests_.empty()) next = std::min(next, requests_.begin()->first);
  if (const Task* lease = leaseWrites_.next()->task()) {
    next = std::min(next, lease->leaseWriteDue + kLeaseWriteSlackMs);
  }
  return next;
}

void Timers::wait(std::unique_lock<std::mutex>& lock, std::int64_t now, std::int64_t until) {
  armedFor_ = until;
  wake_.wait_for(lock, std::chrono::milliseconds(until - now));
  armedFor_ = 0;
}

void Timers::arm(std::int64_t deadline) {
  if (deadline < armedFor_) wake_.notify_one();
}

std::optional<Uuid> Timers::popDueProcess(std::int64_t now) {
  if (processes_.empty() || processes_.top().first > now) return std::nullopt;
  Uuid id = processes_.top().second;
  processes_.pop();
  return id;
}

Task* Timers::popDueLeaseWrite(std::int64_t now) {
  Task* task = leaseWrites_.next()->task();
  if (task == nullptr || task->leaseWriteDue > now) return nullptr;
  task->leaseLink.unlink();
  return task;
}

void Timers::expireRequests(std::int64_t now) {
  while (!requests_.empty() && requests_.begin()->first <= now) {
    auto expire = std::move(requests_.begin()->second);
    requests_.erase(requests_.begin());
    try {
      expire();
    } catch (const std::exception& error) {
      spdlog::error("answering a waiting request failed: {}", error.what());
    }
  }
}

void Timers::expireAll() {
  for (auto& [deadline, expire] : requests_) {
    try {
      expire();
    } catch (const std::exception& error) {
      spdlog::error("answering a waiting request failed: {}", error.what());
    }
  }
  requests_.clear();
}

std::vector<std::function<void()>> Timers::takeAnswers() {
  std::vector<std::function<void()>> answers;
  std::swap(answers, answers_);
  return answers;
}

}  // namespace pledge::server
