#include "pledge/detail/generated_support.h"

#include <gtest/gtest.h>

#include "pledge/task_recorder.h"

namespace pledge::detail {
namespace {

TEST(GeneratedSupport, withFlagsMarksPromisesAndListElementsOnly) {
  Uuid a = Uuid::random();
  PromiseFlags flags{.noWait = true};
  EXPECT_EQ(withFlags(ArgSpec::ofValue(1), flags), ArgSpec::ofValue(1));
  EXPECT_EQ(withFlags(ArgSpec::ofPromise(a), flags), ArgSpec::ofPromise(a, flags));
  EXPECT_EQ(withFlags(ArgSpec::ofList({ArgSpec::ofPromise(a), ArgSpec::ofValue(2)}), flags),
            ArgSpec::ofList({ArgSpec::ofPromise(a, flags), ArgSpec::ofValue(2)}));
}

TEST(GeneratedSupport, recordCallMakesAFreshIdPerCall) {
  TaskRecorder recorder("D#1");
  RecordingScope scope(recorder);
  Uuid first = recordCall("W#1", "m", TaskType::Worker, {}, {});
  Uuid second = recordCall("W#1", "m", TaskType::Worker, {}, {});
  EXPECT_NE(first, second);
  EXPECT_EQ(recorder.tasks()[0].taskId, first);
}

TEST(GeneratedSupport, decodeArgValueBuildsPromisesFromEveryForm) {
  using P = Promise<std::vector<int>>;
  EXPECT_EQ(decodeArgValue<P>(ArgValue::ofValue({1, 2})), P::of({1, 2}));
  EXPECT_EQ(decodeArgValue<P>(ArgValue::ofList({ArgValue::ofValue(1), ArgValue::ofValue(2)})),
            P::of({1, 2}));
  EXPECT_TRUE(decodeArgValue<P>(
                  ArgValue::ofList({ArgValue::ofValue(1), ArgValue::ofFailure(TaskError("X", ""))}))
                  .hasFailed());
  Uuid pending = Uuid::random();
  EXPECT_EQ(decodeArgValue<P>(ArgValue::ofPromise(pending)), P::ofTask(pending));
  EXPECT_EQ(decodeArgValue<Promise<void>>(ArgValue::ofValue(nullptr)), Promise<void>::of());
}

TEST(GeneratedSupport, resultOfEncodesValuesAndPromises) {
  EXPECT_EQ(resultOf(5).value, 5);
  EXPECT_EQ(resultOf(Promise<int>::of(6)).value, 6);
  Uuid task = Uuid::random();
  DispatchResult forwarded = resultOf(Promise<int>::ofTask(task));
  EXPECT_EQ(forwarded.promise, task);
  EXPECT_THROW(resultOf(Promise<int>::failed(TaskError("Mine", ""))), TaskError);
  EXPECT_EQ(resultOf(Promise<int>::failed(TaskError("Mine", ""), task)).promise, task);
  EXPECT_THROW(resultOf(Promise<int>()), Error);
}

TEST(GeneratedSupport, callsOfSelectsByActorAndMethod) {
  std::vector<TaskSpec> tasks = {
      TaskSpec{
          .taskId = Uuid::random(), .actor = "A#1", .method = "m", .args = {ArgSpec::ofValue(1)}},
      TaskSpec{.taskId = Uuid::random(), .actor = "B#1", .method = "m", .args = {}},
      TaskSpec{
          .taskId = Uuid::random(), .actor = "A#1", .method = "m", .args = {ArgSpec::ofValue(2)}},
  };
  auto calls = callsOf(tasks, "A#1", "m", 1);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1], &tasks[2]);
  EXPECT_THROW(callsOf(tasks, "A#1", "m", 2), Error);
}

}  // namespace
}  // namespace pledge::detail
