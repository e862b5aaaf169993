// ClusterStore: membership and partition leases of nodes sharing one store (PostgreSQL).
//
// Each node registers with its address and heartbeats; each partition is owned through a lease
// row (owner, epoch, expiry) renewed by its owner. A lease owner names one run of a node (the
// node's name and start time), so that a restarted node never renews a lease it cannot vouch
// for; it takes such leases anew. Times are the store's clock, so the nodes' clocks need not
// agree. Every takeover opens a new epoch and is recorded in a history, so that
// "no partition had two owners at once" can be checked from the store.
//
//   ClusterStore& cluster = *store->cluster();
//   cluster.heartbeat("node-1", "http://10.0.0.1:8080", 5'000);
//   std::vector<int> held = cluster.renewLeases("node-1", 5'000);
//   std::vector<int> taken = cluster.acquireLeases("node-1", 8, 5'000);
//
// Internally synchronized. Failures throw pledge::Error(Unavailable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pledge::server {

struct NodeRecord {
  std::string name;
  std::string address;
  std::int64_t startedAt = 0;  // epoch ms
  std::int64_t heartbeatAgeMs = 0;
  // Heartbeat seen within the alive window of the call.
  bool alive = false;
};

struct LeaseRecord {
  int partition = 0;
  std::optional<std::string> owner;
  std::int64_t epoch = 0;
  // Milliseconds until the lease expires (negative: expired).
  std::int64_t expiresInMs = 0;
};

// One owner's tenure of a partition, as the history keeps it.
struct Tenure {
  int partition = 0;
  std::int64_t epoch = 0;
  std::string owner;
  std::int64_t acquiredAtUs = 0;
  // When the tenure ended: its release, or the expiry of its last renewal; nullopt while held.
  std::optional<std::int64_t> endedAtUs;
};

class ClusterStore {
 public:
  virtual ~ClusterStore() = default;

  // Registers this node or refreshes its heartbeat; returns every registered node, alive when
  // its heartbeat is younger than aliveMs.
  virtual std::vector<NodeRecord> heartbeat(const std::string& node, const std::string& address,
                                            std::int64_t startedAt, std::int64_t aliveMs) = 0;
  // Extends every unexpired lease the owner holds to now + leaseMs; returns those partitions.
  virtual std::vector<int> renewLeases(const std::string& owner, std::int64_t leaseMs) = 0;
  // Takes up to count partitions that are free, whose lease expired, or that an earlier run of
  // the same node holds (owner "<node>#<other start>": node names are unique in a cluster, so
  // that run is dead; its commits are fenced by the new epoch). A new epoch each; returns them.
  virtual std::vector<int> acquireLeases(const std::string& owner, int count,
                                         std::int64_t leaseMs) = 0;
  // Frees the owner's leases of these partitions at once.
  virtual void releaseLeases(const std::string& owner, const std::vector<int>& partitions) = 0;
  // Frees every lease of the owner and removes the node from the members (a graceful stop).
  virtual void leave(const std::string& node, const std::string& owner) = 0;
  virtual std::vector<LeaseRecord> leases() = 0;
  virtual std::vector<Tenure> tenures() = 0;

  // From now on a commit fails with Error(Conflict) unless this owner holds an unexpired lease of
  // every partition it writes; the lease rows stay locked until the commit ends, so no other
  // node can take one over in between.
  virtual void fenceCommits(const std::string& owner) = 0;
};

}  // namespace pledge::server
