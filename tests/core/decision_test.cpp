#include "pledge/decision.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(Decision, eachOutcomeHasItsWireShape) {
  Decision value{.taskId = Uuid::random(), .attempt = 1, .result = true};
  Json wire = value;
  EXPECT_EQ(wire, Json({{"taskId", value.taskId.toString()},
                        {"attempt", 1},
                        {"result", true},
                        {"tasks", Json::array()}}));

  Decision forward{.taskId = Uuid::random(), .attempt = 2, .promise = Uuid::random()};
  wire = forward;
  EXPECT_FALSE(wire.contains("result"));
  EXPECT_EQ(wire["promise"], forward.promise->toString());

  Decision failed{.taskId = Uuid::random(), .attempt = 3, .error = TaskError("Down", "no")};
  wire = failed;
  EXPECT_EQ(wire["error"], Json({{"type", "Down"}, {"message", "no"}}));
  EXPECT_FALSE(wire.contains("result"));
}

TEST(Decision, roundTripsWithTasks) {
  TaskSpec task{.taskId = Uuid::random(), .actor = "A#1", .method = "m", .type = TaskType::Worker,
                .args = {ArgSpec::ofValue(1)}, .options = {}};
  Decision decision{.taskId = Uuid::random(), .attempt = 1, .result = nullptr,
                    .promise = task.taskId, .tasks = {task}};
  EXPECT_EQ(Json(decision).get<Decision>(), decision);
  Decision voidResult{.taskId = Uuid::random()};
  EXPECT_EQ(Json(voidResult).get<Decision>(), voidResult);
}

TEST(Decision, absentOutcomeMeansANullResult) {
  Uuid id = Uuid::random();
  Decision decision = Json({{"taskId", id.toString()}, {"attempt", 1}}).get<Decision>();
  EXPECT_TRUE(decision.result.is_null());
  EXPECT_FALSE(decision.failed());
  EXPECT_FALSE(decision.forwards());
}

TEST(Decision, inconsistentOutcomesAreRejected) {
  auto messageOf = [](const Json& doc) {
    try {
      doc.get<Decision>();
    } catch (const JsonError& error) {
      return error.message();
    }
    return std::string("no error");
  };
  Json base = {{"taskId", Uuid::random().toString()}, {"attempt", 1}};
  Json twoOutcomes = base;
  twoOutcomes["result"] = 1;
  twoOutcomes["error"] = {{"type", "X"}};
  EXPECT_EQ(messageOf(twoOutcomes), "expected at most one of result, promise, error");

  Json errorWithTasks = base;
  errorWithTasks["error"] = {{"type", "X"}};
  errorWithTasks["tasks"] = Json::array(
      {Json({{"taskId", Uuid::random().toString()}, {"actor", "A#1"}, {"method", "m"},
             {"type", "worker"}})});
  EXPECT_EQ(messageOf(errorWithTasks), "tasks: a decision with an error creates no tasks");

  Json badAttempt = base;
  badAttempt["attempt"] = 0;
  EXPECT_EQ(messageOf(badAttempt), "attempt: must be a positive attempt number, got 0");

  Json badTask = base;
  badTask["tasks"] = Json::array({Json({{"taskId", "x"}})});
  EXPECT_EQ(messageOf(badTask), "tasks[0].taskId: expected a UUID string, got the string \"x\"");
}

}  // namespace
}  // namespace pledge
