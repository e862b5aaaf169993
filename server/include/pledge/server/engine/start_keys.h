// StartKeys: deduplication of starts by key ("c:" + customId, else "r:" + requestId). A start
// whose key is not in memory asks the store, outside the engine's lock, whether it ran already;
// while it asks, its key is registered here, and a process of that key that leaves memory
// meanwhile leaves a tombstone, so that the start still finds it.
//
// Called under the engine's lock.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pledge/server/engine/process_graph.h"
#include "pledge/start_request.h"

namespace pledge::server {

class StartKeys {
 public:
  // The key a start is deduplicated by, "" for none.
  static std::string of(const StartRequest& request) {
    if (request.options.customId) return "c:" + *request.options.customId;
    if (request.options.requestId) return "r:" + *request.options.requestId;
    return {};
  }

  // The process of the start's key in memory (live) or among the tombstones.
  std::optional<StartedProcess> find(const ProcessGraph& graph, const StartRequest& request) const {
    const Process* process = nullptr;
    if (request.options.customId) {
      process = graph.findByCustomId(*request.options.customId);
    } else if (request.options.requestId) {
      process = graph.findByRequestId(*request.options.requestId);
    }
    if (process != nullptr) return StartedProcess{process->id, process->startTask->id, true};
    if (!tombstones_.empty()) {
      auto tombstone = tombstones_.find(of(request));
      if (tombstone != tombstones_.end()) return tombstone->second;
    }
    return std::nullopt;
  }

  // The keys of a batch of starts while the store is asked about them ("" ignored).
  void lookingUp(const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
      if (!key.empty()) ++inLookup_[key];
    }
  }
  void lookedUp(const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
      if (key.empty()) continue;
      auto count = inLookup_.find(key);
      if (--count->second == 0) {
        inLookup_.erase(count);
        tombstones_.erase(key);
      }
    }
  }

  // The process leaves memory: a start looking its key up finds it here.
  void leaving(const Process& process) {
    if (inLookup_.empty() || process.startTask == nullptr) return;
    const StartedProcess started{process.id, process.startTask->id, true};
    for (const auto& key : {process.customId ? "c:" + *process.customId : std::string(),
                            process.requestId ? "r:" + *process.requestId : std::string()}) {
      if (!key.empty() && inLookup_.contains(key)) tombstones_[key] = started;
    }
  }

 private:
  std::unordered_map<std::string, int> inLookup_;
  std::unordered_map<std::string, StartedProcess> tombstones_;
};

}  // namespace pledge::server
