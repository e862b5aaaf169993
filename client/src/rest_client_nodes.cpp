// RestClient's nodes: which node a call goes to, failing over to the next one, learning the
// cluster's nodes and partition owners, and routing to the owner of a partition.
#include "rest_client_state.h"

#include <thread>

#include <fmt/format.h>

#include "rest_json.h"

namespace pledge {

std::vector<std::string> RestClient::nodes() {
  std::lock_guard lock(state_->mutex);
  std::vector<std::string> urls;
  for (const auto& node : state_->nodes) urls.push_back(node->url);
  return urls;
}

void RestClient::learnNodesWhenDue() {
  {
    std::lock_guard lock(state_->mutex);
    if (Clock::now() < state_->nextRefresh) return;
    state_->nextRefresh = Clock::now() + options_.clusterRefresh;
  }
  try {
    Json cluster = call("GET", "/api/v1/cluster");
    std::vector<std::string> urls = state_->configured;
    std::vector<std::string> owners;
    if (cluster.contains("nodes") && cluster["nodes"].size() > 1) {
      owners.resize(static_cast<std::size_t>(std::max(cluster.value("partitions", 0), 0)));
      for (const Json& node : cluster["nodes"]) {
        std::string url = trimSlash(node.value("address", ""));
        if (url.empty()) continue;
        if (std::find(urls.begin(), urls.end(), url) == urls.end()) urls.push_back(url);
        for (const Json& partition : node.value("partitions", Json::array())) {
          const int index = partition.get<int>();
          if (index >= 0 && index < static_cast<int>(owners.size())) {
            owners[static_cast<std::size_t>(index)] = url;
          }
        }
      }
    }
    std::lock_guard lock(state_->mutex);
    std::vector<std::shared_ptr<State::Node>> nodes;
    for (const std::string& url : urls) {
      auto known = std::find_if(state_->nodes.begin(), state_->nodes.end(),
                                [&](const auto& node) { return node->url == url; });
      nodes.push_back(known != state_->nodes.end() ? *known : state_->makeNode(url));
    }
    state_->nodes = std::move(nodes);
    state_->partitionOwners = std::move(owners);
  } catch (const Error&) {
    // Keep the nodes we know; the calls that follow report unreachable servers.
  }
}

std::pair<int, std::string> RestClient::exchange(const std::string& method, const std::string& path,
                                                const std::optional<std::string>& body,
                                                std::optional<std::size_t> firstNode) {
  if (path != "/api/v1/cluster") learnNodesWhenDue();
  const bool isStart =
      method == "POST" && (path == "/api/v1/processes" || path == "/api/v1/processes/batch");
  const std::size_t start = firstNode ? *firstNode : isStart ? state_->roundRobin.fetch_add(1) : 0;
  // A node answering 503 is reachable but cannot serve this now (its partitions are moving
  // between nodes, or it is stopping): ask the others, then all of them again for a while.
  const auto giveUp = Clock::now() + options_.unavailableRetry;
  std::chrono::milliseconds pause{50};
  while (true) {
    std::vector<std::string> failures;
    std::optional<std::string> unavailable;
    for (const auto& node : state_->order(start)) {
      HttpAnswer answer;
      try {
        answer = node->transport->send(method, path, body);
      } catch (const std::exception& error) {
        state_->markDown(*node);
        failures.push_back(fmt::format("{} ({})", node->url, error.what()));
        continue;
      }
      state_->markUp(*node);
      if (answer.status == 503) {
        unavailable = errorFromResponse(503, answer.body).message();
        failures.push_back(fmt::format("{} ({})", node->url, *unavailable));
        continue;
      }
      return {answer.status, std::move(answer.body)};
    }
    std::string tried;
    for (const std::string& failure : failures) tried += (tried.empty() ? "" : "; ") + failure;
    if (!unavailable) {
      throw Error(ErrorCode::Unavailable,
                  fmt::format("cannot reach pledge-server: tried {}. Is it running? Start it with "
                              "pledge-server --port <port>, or pass the right URL with --server",
                              tried));
    }
    if (Clock::now() + pause > giveUp) {
      throw Error(ErrorCode::Unavailable,
                  fmt::format("pledge-server cannot serve this now: {}", tried));
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1'000));
  }
}

std::optional<std::size_t> RestClient::ownerOf(const Decision& decision) {
  if (!decision.processId) return std::nullopt;
  std::lock_guard lock(state_->mutex);
  const std::vector<std::string>& owners = state_->partitionOwners;
  if (owners.empty()) return std::nullopt;
  return state_->nodeOf(owners[static_cast<std::size_t>(
      partitionOf(*decision.processId, static_cast<int>(owners.size())))]);
}

std::optional<std::size_t> RestClient::ownerOfPartitionKey(const std::string& key) {
  std::lock_guard lock(state_->mutex);
  const std::vector<std::string>& owners = state_->partitionOwners;
  if (owners.empty()) return std::nullopt;
  return state_->nodeOf(
      owners[static_cast<std::size_t>(partitionOfKey(key, static_cast<int>(owners.size())))]);
}

}  // namespace pledge
