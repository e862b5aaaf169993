#include "pledge/task_runtime.h"

#include <gtest/gtest.h>

#include "lambda_dispatcher.h"
#include "pledge/detail/generated_support.h"

namespace pledge {
namespace {

TEST(TaskRuntime, makeRuntimePicksByActorType) {
  auto recordsOneTask = [] {
    return testing::LambdaDispatcher::make([](const PolledTask&) {
      detail::recordCall("W#1", "m", TaskType::Worker, {}, {});
      return DispatchResult{};
    });
  };
  ActorEntry decider{.actor = "D#1", .type = TaskType::Decider, .methods = {},
                     .makeDispatcher = recordsOneTask};
  EXPECT_EQ(makeRuntime(decider)->execute(testing::polledTask("D#1", "m")).tasks.size(), 1u);
  // A worker has no recorder: its proxy call fails the task.
  ActorEntry worker{.actor = "W#1", .type = TaskType::Worker, .methods = {},
                    .makeDispatcher = recordsOneTask};
  EXPECT_TRUE(makeRuntime(worker)->execute(testing::polledTask("W#1", "m")).failed());
}

TEST(TaskRuntime, currentExceptionAsTaskErrorNamesTheType) {
  auto describe = [](auto thrower) {
    try {
      thrower();
    } catch (...) {
      return currentExceptionAsTaskError();
    }
    return TaskError();
  };
  EXPECT_EQ(describe([] { throw std::invalid_argument("bad"); }),
            TaskError("std::invalid_argument", "bad"));
  EXPECT_EQ(describe([] { throw TaskError("Mine", "x", false); }), TaskError("Mine", "x", false));
  EXPECT_EQ(describe([] { throw 5; }), TaskError("int", "unknown exception"));
}

}  // namespace
}  // namespace pledge
