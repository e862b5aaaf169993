#include "pledge/actor_registry.h"

#include "pledge/error.h"

namespace pledge {

void ActorRegistry::add(ActorEntry entry) {
  auto problem = checkActorId(entry.actor);
  PLEDGE_REQUIRE(!problem, "cannot register actor: {}", problem.value_or(""));
  PLEDGE_REQUIRE(entry.makeDispatcher != nullptr, "actor {} has no dispatcher factory",
                 entry.actor);
  PLEDGE_REQUIRE(!entries_.contains(entry.actor),
                 "actor {} is registered twice (two plugins or IDL files implement it)",
                 entry.actor);
  std::string key = entry.actor;
  entries_.emplace(std::move(key), std::move(entry));
}

const ActorEntry* ActorRegistry::find(std::string_view actor) const {
  auto it = entries_.find(actor);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> ActorRegistry::actors() const {
  std::vector<std::string> ids;
  ids.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) ids.push_back(id);
  return ids;
}

}  // namespace pledge
