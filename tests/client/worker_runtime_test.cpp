#include "pledge/worker_runtime.h"

#include <gtest/gtest.h>

#include "lambda_dispatcher.h"

namespace pledge {
namespace {

using testing::LambdaDispatcher;
using testing::polledTask;

TEST(WorkerRuntime, reportsTheResultForTheAttempt) {
  WorkerRuntime runtime(LambdaDispatcher::make([](const PolledTask&) {
    return DispatchResult{Json{{"ok", true}}, std::nullopt};
  }));
  PolledTask task = polledTask("W#1", "m", 3);
  Decision decision = runtime.execute(task);
  EXPECT_EQ(decision.taskId, task.taskId);
  EXPECT_EQ(decision.attempt, 3);
  EXPECT_EQ(decision.result, Json({{"ok", true}}));
  EXPECT_FALSE(decision.failed());
  EXPECT_TRUE(decision.tasks.empty());
}

TEST(WorkerRuntime, catchesWhateverTheMethodThrows) {
  WorkerRuntime runtime(LambdaDispatcher::make([](const PolledTask& task) -> DispatchResult {
    if (task.method == "std") throw std::out_of_range("index 7");
    if (task.method == "stated") throw TaskError("Quota", "over", false);
    throw "a string";
  }));
  Decision standard = runtime.execute(polledTask("W#1", "std"));
  EXPECT_EQ(*standard.error, TaskError("std::out_of_range", "index 7"));
  Decision stated = runtime.execute(polledTask("W#1", "stated"));
  EXPECT_EQ(*stated.error, TaskError("Quota", "over", false));
  Decision odd = runtime.execute(polledTask("W#1", "odd"));
  EXPECT_EQ(odd.error->type(), "char const*");
}

TEST(WorkerRuntime, aWorkerReturningAPromiseIsAnError) {
  WorkerRuntime runtime(LambdaDispatcher::make([](const PolledTask&) {
    return DispatchResult{Json(), Uuid::random()};
  }));
  Decision decision = runtime.execute(polledTask("W#1", "m"));
  ASSERT_TRUE(decision.failed());
  EXPECT_EQ(decision.error->type(), "pledge::Error");
}

}  // namespace
}  // namespace pledge
