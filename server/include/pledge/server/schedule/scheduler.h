// Scheduler: keeps the schedules (docs/operations.md "Schedules") in the store and fires those
// of the partitions this node owns, each fire starting a process whose customId names the
// schedule and the fire time, so that a fire started twice (a restart, two nodes that both
// believed they owned it) finds the process the first start made.
//
//   Scheduler scheduler(engine, &metrics, [&](Json start, auto done) { ... start it ... });
//   scheduler.start();                                  // the thread that fires due schedules
//   PutOutcome put = scheduler.create(parseJson(body).get<Schedule>());
//   scheduler.stop();
//
// Every write to a schedule is a compare and set on its store row (ScheduleRow::revision): the
// fire state is written after each fire, and a restart goes on from what is written. Internally
// synchronized; stop() (also run by the destructor) waits for the thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pledge/result.h"
#include "pledge/schedule.h"
#include "pledge/server/engine/engine.h"
#include "pledge/server/node/metrics.h"
#include "pledge/server/schedule/cron.h"
#include "pledge/server/store/store.h"
#include "pledge/start_request.h"

namespace pledge::server {

// Starts the process of a fire: start is the schedule's start body (a workflow:NAME actor still
// to resolve) with its customId set. done gets the process (existing when the customId started
// one before) or why not, on any thread, exactly once.
using FireStarter =
    std::function<void(Json start, std::function<void(Result<StartedProcess>)> done)>;

struct SchedulerOptions {
  // Epoch milliseconds now; empty: the system clock. Tests give their own.
  std::function<std::int64_t()> clock;
  // The thread looks at the store at least this often (another node may have added a schedule
  // this node owns, a bufferOne fire waits for a process to end).
  std::int64_t scanMs = 1'000;
  // A fire's start that gets no answer this long is given up and tried again later.
  std::int64_t startTimeoutMs = 30'000;
};

struct PutOutcome {
  Schedule schedule;
  // False when the same definition was there already.
  bool created = false;
};

struct TriggeredFire {
  StartedProcess started;
  std::string customId;
};

class Scheduler {
 public:
  Scheduler(Engine& engine, Metrics* metrics, FireStarter starter, SchedulerOptions options = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the thread that fires due schedules; stop() ends it. Idempotent.
  void start();
  void stop();

  // ---- /api/v1/schedules (schedule_book.cpp) ----------------------------------------------
  // The rule of a definition. Throws Error(BadRequest) "cron: <what is wrong>" or
  // "timeZone: <what is wrong>".
  static CronRule ruleOf(const Schedule& definition);
  // Stores a new schedule (its fire state: the first fire after now). The same definition
  // under the id answers the stored one (created false); another is Conflict. Throws what
  // ruleOf throws.
  PutOutcome create(const Schedule& definition);
  // Replaces the definition of a schedule, keeping its fire history; the next fire is
  // computed again from now. NotFound when there is none.
  Schedule replace(const Schedule& definition);
  // Every schedule, by id.
  std::vector<Schedule> list();
  // One schedule with its upcoming fire times and recent fires; NotFound when there is none.
  Schedule get(const std::string& id);
  // NotFound when there is none.
  void remove(const std::string& id);
  // Pause: no fire until resumed. Resume: the next fire is the first after now (missed ones
  // are not caught up). Idempotent; NotFound when there is none.
  Schedule setPaused(const std::string& id, bool paused);
  // Starts the schedule's process now, paused or not, whatever runs (customId
  // schedule:<id>@trigger:<now>); recorded as the schedule's latest fire. NotFound when there
  // is none; done gets the start's answer.
  void trigger(const std::string& id, std::function<void(Result<TriggeredFire>)> done);

  // ---- firing (scheduler.cpp) ---------------------------------------------------------------
  // One pass over the schedules this node owns: starts what is due now (the catch-up of
  // missed fires included), the buffered fire of a bufferOne schedule whose process ended.
  // Returns when a fire is due next (at most scanMs away). The thread calls it; tests too.
  std::int64_t tick();
  // A fire's delay: 0 to jitterMs, the same on every node for the same schedule and fire time.
  static std::int64_t jitterOf(const std::string& id, std::int64_t fireAt, std::int64_t jitterMs);
  // The partition whose owner fires the schedule.
  int partitionOf(const std::string& id) const;

 private:
  std::int64_t now() const;
  void run();
  // Wakes the thread (a schedule changed).
  void wake();
  // Fires what is due of one schedule; returns when its next fire is due.
  std::optional<std::int64_t> fireDue(ScheduleRow row, std::int64_t now);
  // Starts one fire's process and waits for the answer (up to startTimeoutMs).
  Result<StartedProcess> startFire(const Schedule& definition, const std::string& customId);
  // Whether the process still runs (a broken one waits for an operator: it does not count).
  bool stillRuns(const std::optional<Uuid>& processId);

  Store& store_;
  Engine& engine_;
  Metrics* metrics_;
  FireStarter starter_;
  SchedulerOptions options_;

  std::mutex mutex_;
  std::condition_variable wakeUp_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// ---- the rows of the store (schedule_rows.cpp) -------------------------------------------
// The schedule a row holds (definition and fire state; upcoming and recent are left unset).
Schedule scheduleOf(const ScheduleRow& row);
// The recent fires of a row, newest first, and the row with fire added in front (keeping
// schedule_limits::kRecentFires).
std::vector<ScheduleFire> recentFires(const ScheduleRow& row);
void addRecentFire(ScheduleRow& row, const ScheduleFire& fire);

// Which fires of a rule are due at now, and when the one after them is (nominal fire times,
// epoch ms). nextFireAt: the first fire not yet handled. A fire is due once its time plus its
// jitter has come; of those, a fire is started when it is at most catchupWindowMs late, and the
// newest also when at most kOnTimeGraceMs late (a node that was busy or restarted within it);
// at most schedule_limits::kMaxCatchupFires, the newest.
struct DueFires {
  std::vector<std::int64_t> start;
  // Due fires too late to start (of those looked at: fires older than the window are not).
  std::int64_t missed = 0;
  std::optional<std::int64_t> next;
};
inline constexpr std::int64_t kOnTimeGraceMs = 10'000;
DueFires dueFires(const CronRule& rule, const Schedule& definition, std::int64_t nextFireAt,
                  std::int64_t now);

}  // namespace pledge::server
