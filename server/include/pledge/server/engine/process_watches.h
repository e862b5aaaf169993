// ProcessWatches: requests waiting for a process to end or break (GET .../result?waitMs=). Each
// is answered once: when its process ends or breaks, leaves this node, or its wait runs out.
//
// Called under the engine's lock; answers are collected and run after it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "pledge/error.h"
#include "pledge/process_info.h"
#include "pledge/result.h"
#include "pledge/uuid.h"

namespace pledge::server {

class ProcessWatches {
 public:
  struct Watch {
    std::function<void(Result<ProcessInfo>)> done;
    bool answered = false;
  };

  std::shared_ptr<Watch> add(const Uuid& processId, std::function<void(Result<ProcessInfo>)> done);
  // Forgets a watch whose wait ran out (its caller answers it).
  void expire(const Uuid& processId, const std::shared_ptr<Watch>& watch);
  bool watched(const Uuid& processId) const { return watches_.contains(processId); }
  std::size_t count() const { return count_; }
  // Answers the watchers of the process with info (computed only if one waits).
  template <typename Info>
  void answer(const Uuid& processId, Info&& info, std::vector<std::function<void()>>& answers);
  // Answers every watcher with what answerOf(processId) gives, and forgets them all.
  void answerAll(const std::function<std::optional<Result<ProcessInfo>>(const Uuid&)>& answerOf,
                 std::vector<std::function<void()>>& answers);

 private:
  std::unordered_map<Uuid, std::vector<std::shared_ptr<Watch>>> watches_;
  std::size_t count_ = 0;
};

template <typename Info>
void ProcessWatches::answer(const Uuid& processId, Info&& info,
                            std::vector<std::function<void()>>& answers) {
  auto found = watches_.find(processId);
  if (found == watches_.end()) return;
  ProcessInfo answered = info();
  for (auto& watch : found->second) {
    if (watch->answered) continue;
    watch->answered = true;
    --count_;
    answers.push_back([done = std::move(watch->done), answered] { done(answered); });
  }
  watches_.erase(found);
}

}  // namespace pledge::server
