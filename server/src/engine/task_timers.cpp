#include "pledge/server/engine/task_timers.h"

#include "pledge/server/engine/process_graph.h"

namespace pledge::server {

TaskTimers::~TaskTimers() {
  // The tasks may outlive the heap (the engine frees its graph after its timers).
  for (const Entry& entry : heap_) entry.task->timer.owner_ = nullptr;
}

void TaskTimers::schedule(Task& task, std::int64_t deadline) {
  TimerHook& hook = task.timer;
  if (hook.owner_ == this) {
    Entry& entry = heap_[hook.index_];
    const bool earlier = deadline < entry.deadline;
    entry.deadline = deadline;
    if (earlier) {
      siftUp(hook.index_);
    } else {
      siftDown(hook.index_);
    }
    return;
  }
  hook.cancel();  // (in another heap: never, but keep the invariant)
  hook.owner_ = this;
  heap_.push_back(Entry{deadline, &task});
  hook.index_ = heap_.size() - 1;
  siftUp(hook.index_);
}

Task* TaskTimers::popDue(std::int64_t now) {
  if (heap_.empty() || heap_.front().deadline > now) return nullptr;
  Task* task = heap_.front().task;
  remove(0);
  return task;
}

void TaskTimers::place(std::size_t index, const Entry& entry) {
  heap_[index] = entry;
  entry.task->timer.index_ = index;
}

void TaskTimers::remove(std::size_t index) {
  heap_[index].task->timer.owner_ = nullptr;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (index == heap_.size()) return;
  const bool earlier = last.deadline < heap_[index].deadline;
  place(index, last);
  if (earlier) {
    siftUp(index);
  } else {
    siftDown(index);
  }
}

void TaskTimers::siftUp(std::size_t index) {
  const Entry moving = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / 2;
    if (heap_[parent].deadline <= moving.deadline) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, moving);
}

void TaskTimers::siftDown(std::size_t index) {
  const Entry moving = heap_[index];
  const std::size_t size = heap_.size();
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && heap_[child + 1].deadline < heap_[child].deadline) ++child;
    if (moving.deadline <= heap_[child].deadline) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, moving);
}

}  // namespace pledge::server
