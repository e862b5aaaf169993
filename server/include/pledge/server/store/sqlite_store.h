// SqliteStore: the embedded store, SQLite in WAL mode in a data folder; zero set-up.
//
//   auto store = std::make_unique<SqliteStore>("./pledge-data", 64);
//
// Commits run with synchronous=FULL: a commit that returned survives kill -9 and power loss.
// One connection writes (the engine's writer thread), another serves queries; WAL lets the
// queries read while a commit is under way.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pledge/server/store/store.h"

struct sqlite3;

namespace pledge::server {

namespace journal {
class SnapshotCounter;
}
namespace sqlite {
class Statement;
}

// Internally synchronized (see Store).
class SqliteStore final : public Store {
 public:
  // Opens (creating when absent) <dataDir>/pledge.db and applies pending schema migrations.
  // Throws pledge::Error when the folder cannot be used or the stored partition count differs.
  // durable false skips the sync of each commit (synchronous=OFF): for tests and fuzzing only,
  // never for data anyone needs.
  SqliteStore(const std::string& dataDir, int partitions, bool durable = true);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  int partitions() const override { return partitions_; }
  EventAnswers commit(const WriteBatch& batch) override;
  std::vector<EventDeliveryRow> pendingDeliveries(const PartitionSet& partitions,
                                                  int limit) override;
  std::vector<KeptEvent> keptEvents(const std::optional<std::string>& name, std::int64_t now,
                                    int limit) override;
  std::int64_t expireEvents(std::int64_t now, std::int64_t idsBefore) override;
  void checkWritable() override;
  LiveState loadLive(std::int64_t horizon, const PartitionSet& partitions) override;
  std::vector<Uuid> dormantDue(std::int64_t horizon, int limit,
                               const PartitionSet& partitions) override;
  LiveState loadProcesses(const std::vector<Uuid>& ids) override;
  std::int64_t countDormant(std::int64_t dueBy, const PartitionSet& partitions) override;
  std::optional<ProcessRow> findProcess(const Uuid& id) override;
  std::optional<Uuid> findProcessByCustomId(const std::string& customId) override;
  std::vector<std::optional<StartedProcess>> findStarts(const std::vector<StartKey>& keys) override;
  std::optional<TaskRow> findTask(const Uuid& id) override;
  std::vector<TaskRow> processTasks(const Uuid& processId) override;
  ProcessPage listProcesses(const ProcessQuery& query) override;
  ProcessCounts countProcesses() override;
  std::vector<EndedProcess> endedBefore(std::int64_t cutoff, int limit,
                                        const PartitionSet& partitions) override;
  DeletedRows deleteEnded(const std::vector<Uuid>& ids) override;
  std::optional<std::int64_t> oldestEnded(const PartitionSet& partitions) override;
  void setActorBlocked(const std::string& actor, bool blocked) override;
  std::vector<std::string> blockedActors() override;
  void setLimit(const TaskLimit& limit) override;
  bool deleteLimit(const std::string& actor, const std::string& taskList) override;
  std::vector<TaskLimit> limits() override;
  bool putWorkflow(const WorkflowRow& row) override;
  std::optional<WorkflowRow> findWorkflow(const std::string& name,
                                          std::optional<int> version) override;
  std::vector<WorkflowRow> listWorkflows() override;
  std::optional<ScheduleRow> insertSchedule(const ScheduleRow& row) override;
  bool updateSchedule(const ScheduleRow& row) override;
  std::optional<ScheduleRow> findSchedule(const std::string& id) override;
  std::vector<ScheduleRow> listSchedules() override;
  bool deleteSchedule(const std::string& id) override;

 private:
  class Statements;
  struct StartLookups;
  // Ends the writer's transaction if one is still open (under writeMutex_).
  void rollbackQuietly();
  // The journal (sqlite_journal.cpp). startJournal finds the next record number;
  // writeTasks writes a commit's task rows (under writeMutex_, in its transaction); readTasks
  // rebuilds tasks from a query of (process_id, record) in (process, seq) order, telling the
  // snapshot counter what it read when count; tasksOf reads one process's (under readMutex_).
  void startJournal();
  void writeTasks(const WriteBatch& batch);
  void readTasks(sqlite::Statement& query, std::vector<TaskRow>& out, bool count);
  std::vector<TaskRow> tasksOf(const Uuid& processId);

  sqlite3* writer_ = nullptr;
  sqlite3* reader_ = nullptr;
  std::unique_ptr<Statements> writeStatements_;
  std::unique_ptr<StartLookups> startLookups_;
  std::mutex writeMutex_;
  std::mutex readMutex_;
  int partitions_ = 0;
  std::unique_ptr<journal::SnapshotCounter> snapshots_;
  std::int64_t nextJournalSeq_ = 0;
};

}  // namespace pledge::server
