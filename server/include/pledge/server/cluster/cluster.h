// Cluster: this node's part in a cluster of nodes sharing one store.
//
// A renewer thread heartbeats the node and renews its partition leases every tick; a partition
// whose lease it finds gone (or cannot renew in time) stops being served at once. A balancer
// thread keeps ownership even: each live node aims at ceil(partitions / live nodes); a node below
// its share takes free or expired partitions, one above it hands the surplus over (the engine
// commits what it did to them first). It also keeps the routing table (partition -> owner's
// address) that the REST layer forwards by, and the blocked actors in step with the store.
//
//   Cluster cluster(store, engine, {.nodeName = "node-1", .address = "http://10.0.0.1:8080"});
//   cluster.start();
//   std::optional<std::string> owner = cluster.ownerAddress(17);
//   cluster.stop();    // hands every partition over and leaves
//
// With a store no other node uses (store.cluster() null) the node owns everything and the
// threads do not run. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pledge/json.h"
#include "pledge/server/store/cluster_store.h"
#include "pledge/server/engine/engine.h"
#include "pledge/server/store/store.h"

namespace pledge::server {

struct ClusterOptions {
  std::string nodeName = "node-1";
  // How other nodes and clients reach this node.
  std::string address;
  // A lease lives this long unless renewed; a dead node's partitions are taken over this long
  // (plus a tick) after its last renewal.
  std::int64_t leaseMs = 5'000;
  std::int64_t tickMs = 1'000;
};

class Cluster {
 public:
  Cluster(Store& store, Engine& engine, ClusterOptions options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Joins: registers the node and starts taking partitions. Returns at once.
  void start();
  // Leaves gracefully: stops the threads, hands every partition over (committed first) and
  // frees its leases so that the others take them at once. Idempotent.
  void stop();

  bool shared() const { return clusterStore_ != nullptr; }
  const std::string& nodeName() const { return options_.nodeName; }
  // The address of the node owning the partition when that is another node and known.
  std::optional<std::string> ownerAddress(int partition) const;
  // Addresses of the other live nodes.
  std::vector<std::string> peers() const;
  // The other live nodes that serve at least one partition (where a start can go).
  std::vector<std::string> servingPeers() const;
  // GET /api/v1/cluster: {"partitions","self","leaseMs","nodes":[{"name","address","self",
  // "alive","startedAt","lastHeartbeatMs","partitions":[...]}]}.
  Json describe() const;

 private:
  void renewLoop();
  void balanceLoop();
  // One renewal: heartbeat, renew, drop what was lost. Returns false when the store failed.
  bool renewOnce();
  void balanceOnce();
  void refreshRouting();
  bool holds(int partition) const;
  // Sleeps up to one tick; false once stopping.
  bool sleepTick();

  Store& store_;
  ClusterStore* clusterStore_;
  Engine& engine_;
  ClusterOptions options_;
  std::int64_t startedAt_;
  // Who holds this node's leases: its name and start time (see ownerName in cluster.cpp).
  std::string leaseOwner_;

  // Serializes the lease changes (renew, acquire, release) with held_.
  mutable std::mutex leaseMutex_;
  std::set<int> held_;
  std::chrono::steady_clock::time_point heldUntil_{};

  mutable std::mutex viewMutex_;
  std::vector<NodeRecord> nodes_;
  std::vector<LeaseRecord> leases_;

  std::mutex sleepMutex_;
  std::condition_variable sleepWake_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::thread renewer_;
  std::thread balancer_;
};

// GET /api/v1/cluster of a node alone on its store.
Json describeLoneNode(const std::string& name, const std::string& address, int partitions,
                      std::int64_t startedAt);

}  // namespace pledge::server
