#include "pledge/server/engine/process_watches.h"

namespace pledge::server {

std::shared_ptr<ProcessWatches::Watch> ProcessWatches::add(
    const Uuid& processId, std::function<void(Result<ProcessInfo>)> done) {
  auto watch = std::make_shared<Watch>();
  watch->done = std::move(done);
  watches_[processId].push_back(watch);
  ++count_;
  return watch;
}

void ProcessWatches::expire(const Uuid& processId, const std::shared_ptr<Watch>& watch) {
  watch->answered = true;
  --count_;
  auto found = watches_.find(processId);
  if (found == watches_.end()) return;
  std::erase(found->second, watch);
  if (found->second.empty()) watches_.erase(found);
}

void ProcessWatches::answerAll(
    const std::function<std::optional<Result<ProcessInfo>>(const Uuid&)>& answerOf,
    std::vector<std::function<void()>>& answers) {
  for (auto& [id, watches] : watches_) {
    std::optional<Result<ProcessInfo>> answer;
    bool asked = false;
    for (auto& watch : watches) {
      if (watch->answered) continue;
      if (!asked) {
        answer = answerOf(id);
        asked = true;
      }
      if (!answer) continue;
      watch->answered = true;
      answers.push_back([done = std::move(watch->done), result = *answer] { done(result); });
    }
  }
  watches_.clear();
  count_ = 0;
}

}  // namespace pledge::server
