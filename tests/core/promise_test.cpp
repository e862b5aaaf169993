#include "pledge/promise.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(Promise, ofMakesAResolvedPromiseWithoutATask) {
  Promise<int> promise = Promise<int>::of(7);
  EXPECT_TRUE(promise.isResolved());
  EXPECT_EQ(promise.get(), 7);
  EXPECT_FALSE(promise.taskId());
  Promise<void>::of().get();
}

TEST(Promise, pendingPromiseRefusesToBeWaitedFor) {
  Uuid task = Uuid::random();
  Promise<std::string> promise = Promise<std::string>::ofTask(task);
  EXPECT_TRUE(promise.isPending());
  EXPECT_EQ(promise.taskId(), task);
  try {
    promise.get();
    FAIL();
  } catch (const PromiseNotReady& error) {
    EXPECT_NE(std::string(error.what()).find(task.toString()), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("never waits"), std::string::npos);
  }
}

TEST(Promise, failedPromiseThrowsItsError) {
  Promise<bool> promise = Promise<bool>::failed(TaskError("Down", "smtp"), Uuid::random());
  EXPECT_TRUE(promise.hasFailed());
  EXPECT_EQ(promise.error().type(), "Down");
  EXPECT_THROW(promise.get(), TaskError);
}

TEST(Promise, comparesByValue) {
  Uuid task = Uuid::random();
  EXPECT_EQ(Promise<int>::ofTask(task), Promise<int>::ofTask(task));
  EXPECT_NE(Promise<int>::ofTask(task), Promise<int>::ofTask(Uuid::random()));
  EXPECT_EQ(Promise<int>::of(1), Promise<int>::of(1));
  EXPECT_NE(Promise<int>::of(1), Promise<int>::of(2));
  Promise<int> copy = Promise<int>::of(3);
  Promise<int> other = copy;
  EXPECT_EQ(copy, other);
}

}  // namespace
}  // namespace pledge
