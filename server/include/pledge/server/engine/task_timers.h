// TaskTimers: the tasks waiting for a deadline (a start time, a retry's delay, a lease's expiry,
// a schedule-to-start, an event wait), earliest first. Each task is in it at most once, at its
// latest deadline, and leaves it when it ends or leaves memory (TimerHook), so the heap holds
// the live tasks that wait for a time and nothing else.
//
//   TaskTimers timers;
//   timers.schedule(task, now + 60'000);   // or moved there, if it was in
//   while (Task* due = timers.popDue(now)) check(*due);
//   task.timer.cancel();                   // out (the destructor does it too)
//
// A heap of task ids kept every deadline ever set until it came: at 60,000 tasks/s and leases
// of 60 s that was 3.6 million entries, each popped (a walk down a heap of 90 MB) and looked up
// when its time came, long after its task had ended.
//
// Thread-compatible: the engine's lock guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace pledge::server {

struct Task;
class TaskTimers;

// A task's place in TaskTimers. Not copyable or movable (the heap points at its task).
class TimerHook {
 public:
  TimerHook() = default;
  TimerHook(const TimerHook&) = delete;
  TimerHook& operator=(const TimerHook&) = delete;
  ~TimerHook() { cancel(); }

  bool scheduled() const { return owner_ != nullptr; }
  inline void cancel();

 private:
  friend class TaskTimers;
  TaskTimers* owner_ = nullptr;
  std::size_t index_ = 0;
};

class TaskTimers {
 public:
  TaskTimers() = default;
  TaskTimers(const TaskTimers&) = delete;
  TaskTimers& operator=(const TaskTimers&) = delete;
  ~TaskTimers();

  // task is due at deadline: added, or moved from its earlier deadline.
  void schedule(Task& task, std::int64_t deadline);
  // The earliest task due by now, taken out; nullptr when none is.
  Task* popDue(std::int64_t now);
  std::optional<std::int64_t> next() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.front().deadline;
  }
  std::size_t size() const { return heap_.size(); }

 private:
  friend class TimerHook;
  struct Entry {
    std::int64_t deadline;
    Task* task;
  };

  void remove(std::size_t index);
  // Puts entry at index and tells its task's hook (task_timers.cpp, where Task is complete).
  void place(std::size_t index, const Entry& entry);
  void siftUp(std::size_t index);
  void siftDown(std::size_t index);

  std::vector<Entry> heap_;
};

void TimerHook::cancel() {
  if (owner_ != nullptr) owner_->remove(index_);
}

}  // namespace pledge::server
