#include <algorithm>
#include <pqxx/pqxx>

#include "pledge/server/store/pg_store.h"
#include "store/pg_rows.h"
#include "store/pg_session.h"

namespace pledge::server {

using pg::intArray;

void PgStore::fenceCommits(const std::string& owner) {
  writer_->run("fence", false, [&](pqxx::connection&) { fenceNode_ = owner; });
}

std::vector<NodeRecord> PgStore::heartbeat(const std::string& node, const std::string& address,
                                           std::int64_t startedAt, std::int64_t aliveMs) {
  return leases_->run("heartbeat", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params(
        "INSERT INTO nodes (name, address, started_at, heartbeat_at) VALUES ($1, $2, $3, now()) "
        "ON CONFLICT (name) DO UPDATE SET address = excluded.address, started_at = "
        "excluded.started_at, heartbeat_at = now()",
        node, address, startedAt);
    // Nodes silent for an hour are forgotten.
    tx.exec("DELETE FROM nodes WHERE heartbeat_at < now() - interval '1 hour'");
    std::vector<NodeRecord> nodes;
    for (const auto& row : tx.exec("SELECT name, address, started_at, (extract(epoch FROM now() - "
                                   "heartbeat_at) * 1000)::bigint "
                                   "FROM nodes ORDER BY name")) {
      NodeRecord record;
      record.name = row[0].c_str();
      record.address = row[1].c_str();
      record.startedAt = row[2].as<std::int64_t>();
      record.heartbeatAgeMs = row[3].as<std::int64_t>();
      record.alive = record.heartbeatAgeMs < aliveMs;
      nodes.push_back(std::move(record));
    }
    tx.commit();
    return nodes;
  });
}

std::vector<int> PgStore::renewLeases(const std::string& owner, std::int64_t leaseMs) {
  std::vector<int> held;
  for (const auto& row :
       leases_->write("renew leases", true,
                      "UPDATE partition_leases SET expires_at = now() + $2 * interval "
                      "'1 millisecond' WHERE owner = $1 AND expires_at > now() RETURNING partition",
                      owner, leaseMs)) {
    held.push_back(row[0].as<int>());
  }
  std::sort(held.begin(), held.end());
  return held;
}

std::vector<int> PgStore::acquireLeases(const std::string& owner, int count, std::int64_t leaseMs) {
  if (count <= 0) return {};
  // SKIP LOCKED passes over partitions a commit of their owner still holds (FOR KEY SHARE):
  // they are taken on a later round, after that commit. Leases of an earlier run of this node
  // (same name, so that run is gone) are taken at once, without waiting for their expiry.
  const std::string earlierRuns = owner.substr(0, owner.rfind('#') + 1);
  pqxx::result taken = leases_->write(
      "acquire leases", true,
      "WITH candidates AS ("
      "  SELECT partition, epoch AS old_epoch, expires_at AS old_expires FROM partition_leases "
      "  WHERE owner IS NULL OR expires_at <= now() "
      "     OR ($4 <> '' AND owner <> $1 AND starts_with(owner, $4)) "
      "  ORDER BY partition LIMIT $2 FOR UPDATE SKIP LOCKED), "
      "taken AS ("
      "  UPDATE partition_leases l SET owner = $1, epoch = l.epoch + 1, "
      "  expires_at = now() + $3 * interval '1 millisecond' FROM candidates c "
      "  WHERE l.partition = c.partition RETURNING l.partition, l.epoch, c.old_epoch, "
      "c.old_expires), "
      "closed AS ("
      "  UPDATE lease_history h SET ended_at = LEAST(t.old_expires, now()) FROM taken t "
      "  WHERE h.partition = t.partition AND h.epoch = t.old_epoch AND h.ended_at IS NULL "
      "RETURNING 1), "
      "opened AS ("
      "  INSERT INTO lease_history (partition, epoch, owner, acquired_at) "
      "  SELECT partition, epoch, $1, now() FROM taken RETURNING 1) "
      "SELECT partition FROM taken ORDER BY partition",
      owner, count, leaseMs, earlierRuns);
  std::vector<int> partitions;
  for (const auto& row : taken) partitions.push_back(row[0].as<int>());
  return partitions;
}

void PgStore::releaseLeases(const std::string& owner, const std::vector<int>& partitions) {
  if (partitions.empty()) return;
  leases_->write("release leases", true,
                 "WITH freed AS (UPDATE partition_leases SET owner = NULL, expires_at = now() "
                 "  WHERE owner = $1 AND partition = ANY($2::int[]) RETURNING partition, epoch) "
                 "UPDATE lease_history h SET ended_at = now() FROM freed f "
                 "WHERE h.partition = f.partition AND h.epoch = f.epoch AND h.ended_at IS NULL",
                 owner, intArray(partitions));
}

void PgStore::leave(const std::string& node, const std::string& owner) {
  leases_->run("leave the cluster", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params(
        "WITH freed AS (UPDATE partition_leases SET owner = NULL, expires_at = now() "
        "  WHERE owner = $1 RETURNING partition, epoch) "
        "UPDATE lease_history h SET ended_at = now() FROM freed f "
        "WHERE h.partition = f.partition AND h.epoch = f.epoch AND h.ended_at IS NULL",
        owner);
    tx.exec_params("DELETE FROM nodes WHERE name = $1", node);
    tx.commit();
  });
}

std::vector<LeaseRecord> PgStore::leases() {
  return leases_->run("read leases", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::vector<LeaseRecord> leases;
    for (const auto& row : tx.exec("SELECT partition, owner, epoch, (extract(epoch FROM expires_at "
                                   "- now()) * 1000)::bigint "
                                   "FROM partition_leases ORDER BY partition")) {
      LeaseRecord lease;
      lease.partition = row[0].as<int>();
      if (!row[1].is_null()) lease.owner = row[1].c_str();
      lease.epoch = row[2].as<std::int64_t>();
      lease.expiresInMs = row[3].as<std::int64_t>();
      leases.push_back(std::move(lease));
    }
    return leases;
  });
}

std::vector<Tenure> PgStore::tenures() {
  return reader_->run("read lease history", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::vector<Tenure> tenures;
    for (const auto& row : tx.exec(
             "SELECT partition, epoch, owner, (extract(epoch FROM acquired_at) * 1000000)::bigint, "
             "(extract(epoch FROM ended_at) * 1000000)::bigint FROM lease_history ORDER BY "
             "partition, epoch")) {
      Tenure tenure;
      tenure.partition = row[0].as<int>();
      tenure.epoch = row[1].as<std::int64_t>();
      tenure.owner = row[2].c_str();
      tenure.acquiredAtUs = row[3].as<std::int64_t>();
      if (!row[4].is_null()) tenure.endedAtUs = row[4].as<std::int64_t>();
      tenures.push_back(std::move(tenure));
    }
    return tenures;
  });
}

}  // namespace pledge::server
