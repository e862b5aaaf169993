#include "pledge/decider_runtime.h"

#include <gtest/gtest.h>

#include "lambda_dispatcher.h"
#include "pledge/detail/generated_support.h"
#include "pledge/task_recorder.h"

namespace pledge {
namespace {

using testing::LambdaDispatcher;
using testing::polledTask;

Uuid recordWorkerCall(const char* method) {
  return detail::recordCall("W#1", method, TaskType::Worker, {ArgSpec::ofValue(1)}, {});
}

TEST(DeciderRuntime, collectsTheTasksTheMethodRecords) {
  DeciderRuntime runtime("D#1", LambdaDispatcher::make([](const PolledTask&) {
    Uuid first = recordWorkerCall("a");
    detail::recordCall("W#1", "b", TaskType::Worker, {ArgSpec::ofPromise(first)}, {});
    return DispatchResult{};
  }));
  Decision decision = runtime.execute(polledTask("D#1", "start"));
  ASSERT_EQ(decision.tasks.size(), 2u);
  EXPECT_EQ(decision.tasks[1].args[0], ArgSpec::ofPromise(decision.tasks[0].taskId));
  EXPECT_TRUE(decision.result.is_null());
  EXPECT_EQ(currentRecorder(), nullptr);
}

TEST(DeciderRuntime, returnedPromiseForwardsToItsTask) {
  DeciderRuntime runtime("D#1", LambdaDispatcher::make([](const PolledTask&) {
    return DispatchResult{Json(), recordWorkerCall("a")};
  }));
  Decision decision = runtime.execute(polledTask("D#1", "start"));
  ASSERT_EQ(decision.tasks.size(), 1u);
  EXPECT_EQ(decision.promise, decision.tasks[0].taskId);
}

TEST(DeciderRuntime, aFailedExecutionCreatesNoTasks) {
  DeciderRuntime runtime("D#1", LambdaDispatcher::make([](const PolledTask&) -> DispatchResult {
    recordWorkerCall("a");
    throw std::runtime_error("planning failed");
  }));
  Decision decision = runtime.execute(polledTask("D#1", "start", 2));
  ASSERT_TRUE(decision.failed());
  EXPECT_EQ(decision.error->message(), "planning failed");
  EXPECT_EQ(decision.attempt, 2);
  EXPECT_TRUE(decision.tasks.empty());
  EXPECT_EQ(currentRecorder(), nullptr);
}

TEST(DeciderRuntime, waitingOnAPendingPromiseFailsTheTask) {
  DeciderRuntime runtime("D#1", LambdaDispatcher::make([](const PolledTask&) {
    Promise<int> pending = Promise<int>::ofTask(recordWorkerCall("a"));
    return DispatchResult{Json(pending.get()), std::nullopt};
  }));
  Decision decision = runtime.execute(polledTask("D#1", "start"));
  ASSERT_TRUE(decision.failed());
  EXPECT_EQ(decision.error->type(), "pledge::PromiseNotReady");
}

}  // namespace
}  // namespace pledge
