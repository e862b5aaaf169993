// A dispatcher that calls a function: lets runtime tests state what "the method" does.
#pragma once

#include <functional>
#include <memory>

#include "pledge/actor_registry.h"

namespace pledge::testing {

class LambdaDispatcher final : public ActorDispatcher {
 public:
  using Body = std::function<DispatchResult(const PolledTask&)>;
  explicit LambdaDispatcher(Body body) : body_(std::move(body)) {}
  DispatchResult dispatch(const PolledTask& task) override { return body_(task); }

  static std::unique_ptr<ActorDispatcher> make(Body body) {
    return std::make_unique<LambdaDispatcher>(std::move(body));
  }

 private:
  Body body_;
};

inline PolledTask polledTask(const char* actor, const char* method, int attempt = 1) {
  PolledTask task;
  task.taskId = Uuid::random();
  task.processId = Uuid::random();
  task.actor = actor;
  task.method = method;
  task.attempt = attempt;
  return task;
}

}  // namespace pledge::testing
