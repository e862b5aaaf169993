#include "pledge/actor_registry.h"

#include <gtest/gtest.h>

#include "lambda_dispatcher.h"

namespace pledge {
namespace {

ActorEntry entryFor(const char* actor) {
  return ActorEntry{.actor = actor, .type = TaskType::Worker, .methods = {"m"},
                    .makeDispatcher = [] {
                      return testing::LambdaDispatcher::make([](const PolledTask&) {
                        return DispatchResult{};
                      });
                    }};
}

TEST(ActorRegistry, findsRegisteredActors) {
  ActorRegistry registry;
  EXPECT_TRUE(registry.empty());
  registry.add(entryFor("B#1"));
  registry.add(entryFor("A#2"));
  EXPECT_EQ(registry.actors(), (std::vector<std::string>{"A#2", "B#1"}));
  ASSERT_NE(registry.find("B#1"), nullptr);
  EXPECT_NE(registry.find("B#1")->makeDispatcher(), nullptr);
  EXPECT_EQ(registry.find("C#1"), nullptr);
}

TEST(ActorRegistry, refusesDuplicatesAndMalformedIds) {
  ActorRegistry registry;
  registry.add(entryFor("A#1"));
  EXPECT_THROW(registry.add(entryFor("A#1")), Error);
  EXPECT_THROW(registry.add(entryFor("NoVersion")), Error);
  ActorEntry noFactory = entryFor("B#1");
  noFactory.makeDispatcher = nullptr;
  EXPECT_THROW(registry.add(std::move(noFactory)), Error);
}

}  // namespace
}  // namespace pledge
