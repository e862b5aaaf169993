// RestClient::State: the nodes a RestClient knows (URL, transport, backoff after a failure) and
// the cluster's partition owners as last learnt. Private to the client library: rest_client.cpp
// (the API calls) and rest_client_nodes.cpp (failover, cluster discovery, routing) share it.
// Internally synchronized: mutex guards nodes, partitionOwners and nextRefresh.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http_transport.h"
#include "pledge/rest_client.h"

namespace pledge {

using Clock = std::chrono::steady_clock;

// A node that could not be reached is skipped for this long, doubling up to the maximum.
constexpr std::chrono::milliseconds kFirstBackoff{200};
constexpr std::chrono::milliseconds kLongestBackoff{5'000};

// The URL without trailing slashes.
inline std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

struct RestClient::State {
  struct Node {
    std::string url;
    std::unique_ptr<Transport> transport;
    Clock::time_point downUntil{};
    std::chrono::milliseconds backoff = kFirstBackoff;
  };

  std::vector<std::string> configured;
  std::mutex mutex;
  std::vector<std::shared_ptr<Node>> nodes;
  // Of a cluster on a shared store: the owner of each partition as last learnt (stale routes are
  // forwarded by the nodes); empty for one node.
  std::vector<std::string> partitionOwners;
  Clock::time_point nextRefresh{};
  std::atomic<std::size_t> roundRobin{0};
  TransportOptions transport;

  std::shared_ptr<Node> makeNode(const std::string& url) {
    auto node = std::make_shared<Node>();
    node->url = url;
    node->transport = makeTransport(url, transport);
    return node;
  }

  // The nodes in the order to try them, starting at start; those in backoff go last.
  std::vector<std::shared_ptr<Node>> order(std::size_t start) {
    std::lock_guard lock(mutex);
    std::vector<std::shared_ptr<Node>> up;
    std::vector<std::shared_ptr<Node>> down;
    const auto now = Clock::now();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      auto& node = nodes[(start + i) % nodes.size()];
      (node->downUntil <= now ? up : down).push_back(node);
    }
    up.insert(up.end(), down.begin(), down.end());
    return up;
  }

  void markDown(Node& node) {
    std::lock_guard lock(mutex);
    node.downUntil = Clock::now() + node.backoff;
    node.backoff = std::min(node.backoff * 2, kLongestBackoff);
  }

  // The index of the node with this URL (under the mutex).
  std::optional<std::size_t> nodeOf(const std::string& url) const {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i]->url == url) return i;
    }
    return std::nullopt;
  }

  void markUp(Node& node) {
    std::lock_guard lock(mutex);
    node.downUntil = {};
    node.backoff = kFirstBackoff;
  }
};

}  // namespace pledge
