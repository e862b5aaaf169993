// FaultyStore: a Store for engine tests that forwards to a real one (SQLite or PostgreSQL) and
// fails on demand, or runs a test's hook in the middle of a read or a commit, to put the
// engine's threads in an order a test chooses.
//
//   auto store = std::make_unique<FaultyStore>(place.open());
//   store->failCommits = true;
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "pledge/error.h"
#include "pledge/server/store/store.h"

namespace pledge::server {

// A Store that forwards to a real one and fails, or runs a test's hook, when told to.
// Thread-safe.
class FaultyStore final : public Store {
 public:
  explicit FaultyStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

  // Commits fail (nothing written) while set.
  std::atomic<bool> failCommits{false};
  // The next n commits are written, then reported failed (the outcome a client cannot know).
  std::atomic<int> commitThenFail{0};
  // Reads of tasks and processes fail while set.
  std::atomic<bool> failReads{false};
  // Runs before each findStarts (to hold a start between its memory check and its lookup).
  std::function<void()> beforeFindStarts;
  // Runs after each loadProcesses read, with what it read (to hold a load between its read and
  // its use), and before each commit, with its rows (to hold a commit). Set before the engine
  // runs.
  std::function<void(const LiveState&)> afterLoadProcesses;
  std::function<void(const WriteBatch&)> beforeCommit;

  int partitions() const override { return inner_->partitions(); }
  EventAnswers commit(const WriteBatch& batch) override {
    if (batch.empty()) return {};
    if (beforeCommit) beforeCommit(batch);
    if (failCommits)
      throw Error(ErrorCode::Internal, "SQLite: COMMIT: database or disk is full (injected)");
    EventAnswers answers = inner_->commit(batch);
    if (commitThenFail > 0) {
      --commitThenFail;
      throw Error(ErrorCode::Unavailable, "connection lost during COMMIT (injected)");
    }
    return answers;
  }
  // Pipelined commits go through to a store that pipelines them (PostgreSQL), with the hook;
  // while a fault is set, commits take commit().
  bool canPipeline(const WriteBatch& batch) override {
    return !failCommits && commitThenFail == 0 && inner_->canPipeline(batch);
  }
  void sendCommit(const WriteBatch& batch) override {
    if (beforeCommit) beforeCommit(batch);
    inner_->sendCommit(batch);
  }
  std::optional<EventAnswers> awaitCommit() override { return inner_->awaitCommit(); }
  void interruptAwait() override { inner_->interruptAwait(); }
  std::vector<EventDeliveryRow> pendingDeliveries(const PartitionSet& partitions,
                                                  int limit) override {
    readCheck();
    return inner_->pendingDeliveries(partitions, limit);
  }
  std::vector<KeptEvent> keptEvents(const std::optional<std::string>& name, std::int64_t now,
                                    int limit) override {
    readCheck();
    return inner_->keptEvents(name, now, limit);
  }
  std::int64_t expireEvents(std::int64_t now, std::int64_t idsBefore) override {
    if (failCommits) throw Error(ErrorCode::Internal, "still full (injected)");
    return inner_->expireEvents(now, idsBefore);
  }
  void checkWritable() override {
    if (failCommits) throw Error(ErrorCode::Internal, "still full (injected)");
    inner_->checkWritable();
  }
  LiveState loadLive(std::int64_t horizon, const PartitionSet& partitions) override {
    readCheck();
    return inner_->loadLive(horizon, partitions);
  }
  std::vector<Uuid> dormantDue(std::int64_t horizon, int limit,
                               const PartitionSet& partitions) override {
    return inner_->dormantDue(horizon, limit, partitions);
  }
  LiveState loadProcesses(const std::vector<Uuid>& ids) override {
    readCheck();
    LiveState live = inner_->loadProcesses(ids);
    if (afterLoadProcesses) afterLoadProcesses(live);
    return live;
  }
  std::int64_t countDormant(std::int64_t dueBy, const PartitionSet& partitions) override {
    return inner_->countDormant(dueBy, partitions);
  }
  std::optional<ProcessRow> findProcess(const Uuid& id) override {
    readCheck();
    return inner_->findProcess(id);
  }
  std::optional<Uuid> findProcessByCustomId(const std::string& customId) override {
    readCheck();
    return inner_->findProcessByCustomId(customId);
  }
  std::vector<std::optional<StartedProcess>> findStarts(
      const std::vector<StartKey>& keys) override {
    if (beforeFindStarts) beforeFindStarts();
    readCheck();
    return inner_->findStarts(keys);
  }
  std::optional<TaskRow> findTask(const Uuid& id) override {
    readCheck();
    return inner_->findTask(id);
  }
  std::vector<TaskRow> processTasks(const Uuid& processId) override {
    return inner_->processTasks(processId);
  }
  ProcessPage listProcesses(const ProcessQuery& query) override {
    return inner_->listProcesses(query);
  }
  ProcessCounts countProcesses() override { return inner_->countProcesses(); }
  std::vector<EndedProcess> endedBefore(std::int64_t cutoff, int limit,
                                        const PartitionSet& partitions) override {
    return inner_->endedBefore(cutoff, limit, partitions);
  }
  DeletedRows deleteEnded(const std::vector<Uuid>& ids) override {
    return inner_->deleteEnded(ids);
  }
  std::optional<std::int64_t> oldestEnded(const PartitionSet& partitions) override {
    return inner_->oldestEnded(partitions);
  }
  void setActorBlocked(const std::string& actor, bool blocked) override {
    inner_->setActorBlocked(actor, blocked);
  }
  std::vector<std::string> blockedActors() override { return inner_->blockedActors(); }
  void setLimit(const TaskLimit& limit) override { inner_->setLimit(limit); }
  bool deleteLimit(const std::string& actor, const std::string& taskList) override {
    return inner_->deleteLimit(actor, taskList);
  }
  std::vector<TaskLimit> limits() override { return inner_->limits(); }
  bool putWorkflow(const WorkflowRow& row) override { return inner_->putWorkflow(row); }
  std::optional<WorkflowRow> findWorkflow(const std::string& name,
                                          std::optional<int> version) override {
    return inner_->findWorkflow(name, version);
  }
  std::vector<WorkflowRow> listWorkflows() override { return inner_->listWorkflows(); }
  std::optional<ScheduleRow> insertSchedule(const ScheduleRow& row) override {
    return inner_->insertSchedule(row);
  }
  bool updateSchedule(const ScheduleRow& row) override { return inner_->updateSchedule(row); }
  std::optional<ScheduleRow> findSchedule(const std::string& id) override {
    return inner_->findSchedule(id);
  }
  std::vector<ScheduleRow> listSchedules() override { return inner_->listSchedules(); }
  bool deleteSchedule(const std::string& id) override { return inner_->deleteSchedule(id); }

 private:
  void readCheck() const {
    if (failReads) throw Error(ErrorCode::Internal, "SQLite: disk I/O error (injected)");
  }

  std::unique_ptr<Store> inner_;
};

}  // namespace pledge::server
