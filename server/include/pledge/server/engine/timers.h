// Timers: what the engine's timer thread waits for. Task deadlines (a start time, a retry's
// delay, a lease's expiry, a schedule-to-start, an event wait: TaskTimers, which a task leaves
// when it ends or leaves memory) and process deadlines (epoch ms and process id), each checked
// against the task or process when due, so a deadline that no longer applies costs nothing; the
// deadlines of parked requests (each expiry runs under the engine's lock and leaves
// its answer for after it); and the leases handed out but not yet written (a list of the tasks
// themselves, which a task leaves when it moves on).
//
// Called under the engine's lock; wait() releases it while it waits.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

#include "pledge/server/engine/process_graph.h"
#include "pledge/server/engine/task_link.h"
#include "pledge/server/engine/task_timers.h"
#include "pledge/uuid.h"

namespace pledge::server {

class Timers {
 public:
  // A task's deadline, checked against the task when due. A task waits for one deadline at a
  // time: a later call moves it.
  void atTask(std::int64_t deadline, Task& task);
  // A process's deadline; checked against the process when due.
  void atProcess(std::int64_t deadline, const Uuid& processId);
  // expire runs under the engine's lock when the deadline comes (or the engine stops); it
  // answers through answerLater().
  void atRequest(std::int64_t deadline, std::function<void()> expire);
  void answerLater(std::function<void()> answer) { answers_.push_back(std::move(answer)); }
  // A lease just handed out, written if the task is still Leased at due (it leaves the list
  // when it moves on: ProcessGraph::setState).
  void atLeaseWrite(std::int64_t due, Task& task);

  // The earliest thing due, or fallback if that is earlier.
  std::int64_t next(std::int64_t fallback) const;
  // Waits until until (or a wake-up); the lock is released meanwhile.
  void wait(std::unique_lock<std::mutex>& lock, std::int64_t now, std::int64_t until);
  // Wakes the timer thread if deadline is earlier than what it waits for.
  void arm(std::int64_t deadline);
  void wakeAll() { wake_.notify_all(); }
  void wakeOne() { wake_.notify_one(); }

  // The next task whose deadline is due by now, taken out; nullptr when none is.
  Task* popDueTask(std::int64_t now) { return tasks_.popDue(now); }
  // The next process deadline due by now.
  std::optional<Uuid> popDueProcess(std::int64_t now);
  // The next task whose lease write is due by now; nullptr when none is.
  Task* popDueLeaseWrite(std::int64_t now);
  // Runs the expiries of the request deadlines due by now (every one, for expireAll).
  void expireRequests(std::int64_t now);
  void expireAll();
  // The answers the expiries left, to run after unlocking.
  std::vector<std::function<void()>> takeAnswers();

 private:
  TaskTimers tasks_;
  std::priority_queue<std::pair<std::int64_t, Uuid>, std::vector<std::pair<std::int64_t, Uuid>>,
                      std::greater<>>
      processes_;
  std::multimap<std::int64_t, std::function<void()>> requests_;
  std::vector<std::function<void()>> answers_;
  // Tasks whose lease is not written yet, oldest first (Task::leaseLink, Task::leaseWriteDue).
  TaskLink leaseWrites_;
  std::condition_variable wake_;
  // What the timer thread waits for now (0: it is awake).
  std::int64_t armedFor_ = 0;
};

}  // namespace pledge::server
