#include "pledge/server/cluster/cluster.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pledge::server {
namespace {

// A lease owner is "<node name>#<start time>": a restarted node is a new owner, never renews a
// lease of its previous run, and takes such leases back at once (that run is dead: node names
// are unique in a cluster, and its commits are fenced by the new epoch).
std::string ownerName(const std::string& owner) { return owner.substr(0, owner.rfind('#')); }

std::int64_t epochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Cluster::Cluster(Store& store, Engine& engine, ClusterOptions options)
    : store_(store),
      clusterStore_(store.cluster()),
      engine_(engine),
      options_(std::move(options)),
      startedAt_(epochMs()),
      leaseOwner_(fmt::format("{}#{}", options_.nodeName, startedAt_)) {}

Cluster::~Cluster() { stop(); }

void Cluster::start() {
  if (clusterStore_ == nullptr || started_) return;
  started_ = true;
  clusterStore_->fenceCommits(leaseOwner_);
  renewOnce();
  renewer_ = std::thread([this] { renewLoop(); });
  balancer_ = std::thread([this] { balanceLoop(); });
  // Ready once it serves its share, or after the leases of a previous run of this node (or of
  // a dead node) had time to expire; later ones come in the background.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(options_.leaseMs + 3 * options_.tickMs);
  while (std::chrono::steady_clock::now() < deadline) {
    int alive = 1;
    {
      std::lock_guard lock(viewMutex_);
      alive = std::max<int>(
          1, static_cast<int>(std::count_if(nodes_.begin(), nodes_.end(),
                                            [](const NodeRecord& node) { return node.alive; })));
    }
    if (static_cast<int>(engine_.ownedPartitions().size()) >= engine_.partitions() / alive - 2 &&
        engine_.servesAnyPartition()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Cluster::stop() {
  if (!started_ || stopping_.exchange(true)) return;
  sleepWake_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  if (balancer_.joinable()) balancer_.join();
  // Commit what was done to our partitions, then let the others take them at once.
  engine_.dropPartitions(engine_.ownedPartitions());
  try {
    clusterStore_->leave(options_.nodeName, leaseOwner_);
    spdlog::info("left the cluster; partitions handed over");
  } catch (const std::exception& error) {
    spdlog::warn("could not leave the cluster cleanly ({}); the leases expire in {} ms",
                 error.what(), options_.leaseMs);
  }
}

bool Cluster::sleepTick() {
  std::unique_lock lock(sleepMutex_);
  sleepWake_.wait_for(lock, std::chrono::milliseconds(options_.tickMs),
                      [&] { return stopping_.load(); });
  return !stopping_;
}

bool Cluster::holds(int partition) const {
  std::lock_guard lock(leaseMutex_);
  return held_.contains(partition);
}

// ---- renewer ------------------------------------------------------------------------------

void Cluster::renewLoop() {
  while (sleepTick()) renewOnce();
}

bool Cluster::renewOnce() {
  const auto started = std::chrono::steady_clock::now();
  std::vector<int> lost;
  bool ok = true;
  try {
    std::vector<NodeRecord> nodes =
        clusterStore_->heartbeat(options_.nodeName, options_.address, startedAt_, options_.leaseMs);
    {
      std::lock_guard lock(viewMutex_);
      nodes_ = std::move(nodes);
    }
    std::lock_guard lock(leaseMutex_);
    std::vector<int> renewed = clusterStore_->renewLeases(leaseOwner_, options_.leaseMs);
    std::set<int> still(renewed.begin(), renewed.end());
    for (int partition : held_) {
      if (!still.contains(partition)) lost.push_back(partition);
    }
    held_ = std::move(still);
    // The store's expiry is at least this far away: it was set after started.
    heldUntil_ = started + std::chrono::milliseconds(options_.leaseMs * 4 / 5);
  } catch (const std::exception& error) {
    ok = false;
    std::lock_guard lock(leaseMutex_);
    if (std::chrono::steady_clock::now() >= heldUntil_ && !held_.empty()) {
      lost.assign(held_.begin(), held_.end());
      held_.clear();
      spdlog::error(
          "cannot renew the partition leases ({}); stopped serving them before they expire",
          error.what());
    } else {
      spdlog::warn("cannot renew the partition leases ({}); retrying", error.what());
    }
  }
  if (!lost.empty()) {
    spdlog::warn("lost the leases of partitions {}; no longer serving them", fmt::join(lost, ","));
    engine_.dropPartitions(lost);
  }
  if (ok) {
    try {
      refreshRouting();
    } catch (const std::exception& error) {
      spdlog::warn("cannot read the partition leases: {}", error.what());
    }
  }
  return ok;
}

// ---- balancer -----------------------------------------------------------------------------

void Cluster::balanceLoop() {
  do {
    try {
      balanceOnce();
    } catch (const std::exception& error) {
      spdlog::warn("cluster balancing failed ({}); retrying", error.what());
    }
  } while (sleepTick());
}

void Cluster::balanceOnce() {
  int alive = 0;
  {
    std::lock_guard lock(viewMutex_);
    for (const NodeRecord& node : nodes_) alive += node.alive ? 1 : 0;
  }
  alive = std::max(alive, 1);
  const int partitions = engine_.partitions();
  const int share = (partitions + alive - 1) / alive;

  std::vector<int> surplus;
  {
    std::lock_guard lock(leaseMutex_);
    const int held = static_cast<int>(held_.size());
    if (held < share) {
      std::vector<int> taken =
          clusterStore_->acquireLeases(leaseOwner_, share - held, options_.leaseMs);
      held_.insert(taken.begin(), taken.end());
      if (!taken.empty()) spdlog::info("took the leases of partitions {}", fmt::join(taken, ","));
    } else if (held > share) {
      // Hand over the highest ones; those the others take next.
      auto it = held_.rbegin();
      for (int i = 0; i < held - share; ++i, ++it) surplus.push_back(*it);
    }
  }
  if (!surplus.empty()) {
    engine_.dropPartitions(surplus);
    {
      std::lock_guard lock(leaseMutex_);
      clusterStore_->releaseLeases(leaseOwner_, surplus);
      for (int partition : surplus) held_.erase(partition);
    }
    spdlog::info("handed partitions {} over ({} live nodes, {} each)", fmt::join(surplus, ","),
                 alive, share);
  }

  // Serve what we hold and do not serve yet (newly taken, or after a failed commit).
  std::vector<int> toLoad;
  {
    std::vector<int> served = engine_.ownedPartitions();
    std::lock_guard lock(leaseMutex_);
    for (int partition : held_) {
      if (!std::binary_search(served.begin(), served.end(), partition)) toLoad.push_back(partition);
    }
  }
  if (!toLoad.empty())
    engine_.adoptPartitions(toLoad, [this](int partition) { return holds(partition); });

  refreshRouting();
  engine_.syncBlocked(store_.blockedActors());
  // Each live node applies its share of every limit (docs/operations.md, "Limits").
  engine_.syncLimits(store_.limits(), alive);
}

void Cluster::refreshRouting() {
  std::vector<LeaseRecord> leases = clusterStore_->leases();
  std::lock_guard lock(viewMutex_);
  leases_ = std::move(leases);
}

// ---- views --------------------------------------------------------------------------------

Json describeLoneNode(const std::string& name, const std::string& address, int partitions,
                      std::int64_t startedAt) {
  Json all = Json::array();
  for (int p = 0; p < partitions; ++p) all.push_back(p);
  Json node = {{"name", name},
               {"address", address},
               {"role", "owner of every partition (embedded store)"},
               {"self", true},
               {"alive", true},
               {"startedAt", startedAt},
               {"lastHeartbeatMs", 0},
               {"partitions", std::move(all)}};
  return {
      {"partitions", partitions}, {"store", "embedded"}, {"nodes", Json::array({std::move(node)})}};
}

std::optional<std::string> Cluster::ownerAddress(int partition) const {
  std::lock_guard lock(viewMutex_);
  if (partition < 0 || partition >= static_cast<int>(leases_.size())) return std::nullopt;
  const LeaseRecord& lease = leases_[static_cast<std::size_t>(partition)];
  if (!lease.owner || *lease.owner == leaseOwner_) return std::nullopt;
  for (const NodeRecord& node : nodes_) {
    if (node.name == ownerName(*lease.owner) && node.alive) return node.address;
  }
  return std::nullopt;
}

std::vector<std::string> Cluster::peers() const {
  std::lock_guard lock(viewMutex_);
  std::vector<std::string> addresses;
  for (const NodeRecord& node : nodes_) {
    if (node.alive && node.name != options_.nodeName) addresses.push_back(node.address);
  }
  return addresses;
}

std::vector<std::string> Cluster::servingPeers() const {
  std::lock_guard lock(viewMutex_);
  std::set<std::string> owners;
  for (const LeaseRecord& lease : leases_) {
    if (lease.owner && *lease.owner != leaseOwner_ && lease.expiresInMs > 0)
      owners.insert(ownerName(*lease.owner));
  }
  std::vector<std::string> addresses;
  for (const NodeRecord& node : nodes_) {
    if (node.alive && owners.contains(node.name)) addresses.push_back(node.address);
  }
  return addresses;
}

Json Cluster::describe() const {
  Json nodes = Json::array();
  if (clusterStore_ == nullptr) {
    return describeLoneNode(options_.nodeName, options_.address, engine_.partitions(), startedAt_);
  }
  std::lock_guard lock(viewMutex_);
  std::map<std::string, std::vector<int>> owned;
  int unowned = 0;
  for (const LeaseRecord& lease : leases_) {
    if (lease.owner && lease.expiresInMs > 0) {
      owned[ownerName(*lease.owner)].push_back(lease.partition);
    } else {
      ++unowned;
    }
  }
  for (const NodeRecord& node : nodes_) {
    std::vector<int>& partitions = owned[node.name];
    nodes.push_back(
        {{"name", node.name},
         {"address", node.address},
         {"role",
          partitions.empty() ? "member" : fmt::format("owner of {} partitions", partitions.size())},
         {"self", node.name == options_.nodeName},
         {"alive", node.alive},
         {"startedAt", node.startedAt},
         {"lastHeartbeatMs", node.heartbeatAgeMs},
         {"partitions", partitions}});
  }
  return {{"partitions", engine_.partitions()},
          {"store", "shared"},
          {"leaseMs", options_.leaseMs},
          {"unownedPartitions", unowned},
          {"nodes", std::move(nodes)}};
}

}  // namespace pledge::server
