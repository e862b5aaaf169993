// PgStore: the replicated store, PostgreSQL shared by the nodes of a cluster (libpqxx).
//
//   auto store = std::make_unique<PgStore>("postgresql://pledge@10.0.0.5/pledge", 64);
//
// Same rows and behaviour as SqliteStore; a commit is one transaction (synchronous_commit as the
// database sets it, on by default: a commit that returned survives a crash of the database).
// It also keeps the cluster's membership and partition leases (ClusterStore). Writes, queries
// and lease traffic use a connection each, so a long commit never delays a lease renewal.
#pragma once

#include <memory>
#include <string>

#include "pledge/server/store/cluster_store.h"
#include "pledge/server/store/store.h"

namespace pledge::server {

namespace journal {
class SnapshotCounter;
}
namespace pg {
class PipelineConnection;
class Horizons;
}

// Internally synchronized (see Store, ClusterStore).
class PgStore final : public Store, public ClusterStore {
 public:
  // Connects and applies pending schema migrations (several nodes may start at once: they
  // take turns). Throws pledge::Error with what to do when the database cannot be reached or
  // holds another partition count.
  PgStore(const std::string& url, int partitions);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  int partitions() const override { return partitions_; }
  EventAnswers commit(const WriteBatch& batch) override;
  bool canPipeline(const WriteBatch& batch) override;
  void sendCommit(const WriteBatch& batch) override;
  std::optional<EventAnswers> awaitCommit() override;
  void interruptAwait() override;
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
  ClusterStore* cluster() override { return this; }

  std::vector<NodeRecord> heartbeat(const std::string& node, const std::string& address,
                                    std::int64_t startedAt, std::int64_t aliveMs) override;
  std::vector<int> renewLeases(const std::string& owner, std::int64_t leaseMs) override;
  std::vector<int> acquireLeases(const std::string& owner, int count,
                                 std::int64_t leaseMs) override;
  void releaseLeases(const std::string& owner, const std::vector<int>& partitions) override;
  void leave(const std::string& node, const std::string& owner) override;
  std::vector<LeaseRecord> leases() override;
  std::vector<Tenure> tenures() override;
  void fenceCommits(const std::string& owner) override;

  // The URL with its password hidden, for messages and logs.
  static std::string redact(const std::string& url);

 private:
  class Session;

  // commit(), or sendCommit() when pipelined (which answers nothing).
  EventAnswers write(const WriteBatch& batch, bool pipelined);

  std::string url_;
  int partitions_ = 0;
  std::unique_ptr<Session> writer_;
  // The commit's connection (store/pg_pipeline.h), used by the engine's writer thread only
  // (commits come from there).
  std::unique_ptr<pg::PipelineConnection> pipeline_;
  std::unique_ptr<Session> reader_;
  std::unique_ptr<Session> leases_;
  // When each process's journal is due a snapshot (store/journal.h).
  std::unique_ptr<journal::SnapshotCounter> snapshots_;
  // The horizons of listing running processes (store/pg_process_lists.h).
  std::unique_ptr<pg::Horizons> horizons_;
  // The owner whose leases fence commits; empty until fenceCommits.
  std::string fenceNode_;
};

}  // namespace pledge::server
