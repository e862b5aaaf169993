#include "pledge/task_spec.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TaskSpec sampleTask() {
  TaskSpec task;
  task.taskId = Uuid::random();
  task.actor = "MailService#1.0";
  task.method = "send";
  task.type = TaskType::Worker;
  task.args = {ArgSpec::ofValue("a@b.c"), ArgSpec::ofPromise(Uuid::random())};
  task.options = CallOptions{.timeoutMs = 30'000};
  return task;
}

TEST(TaskSpec, wireFormHasExactlyTheDesignFields) {
  TaskSpec task = sampleTask();
  Json wire = task;
  std::vector<std::string> keys;
  for (const auto& [key, value] : wire.items()) keys.push_back(key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"actor", "args", "method", "options", "taskId", "type"}));
  EXPECT_EQ(wire["type"], "worker");
  EXPECT_EQ(wire["options"], Json({{"timeoutMs", 30'000}}));
}

TEST(TaskSpec, roundTrips) {
  TaskSpec task = sampleTask();
  EXPECT_EQ(Json(task).get<TaskSpec>(), task);
  task.type = TaskType::Decider;
  task.args.clear();
  EXPECT_EQ(Json(task).get<TaskSpec>(), task);
}

TEST(TaskSpec, actorIdsMustBeNameHashVersion) {
  EXPECT_FALSE(checkActorId("MailService#1.0"));
  EXPECT_TRUE(checkActorId("MailService"));
  EXPECT_TRUE(checkActorId("#1.0"));
  EXPECT_TRUE(checkActorId("MailService#"));
  EXPECT_TRUE(checkActorId("A#1#2"));
}

TEST(TaskSpec, badFieldsAreNamed) {
  Json wire = sampleTask();
  auto messageOf = [](const Json& doc) {
    try {
      doc.get<TaskSpec>();
    } catch (const JsonError& error) {
      return error.message();
    }
    return std::string("no error");
  };
  Json bad = wire;
  bad["type"] = "robot";
  EXPECT_EQ(messageOf(bad), "type: expected \"worker\", \"decider\", \"event\" or \"timer\", got \"robot\"");
  bad = wire;
  bad["actor"] = "MailService";
  EXPECT_EQ(messageOf(bad), "actor: expected \"Name#version\", got \"MailService\"");
  bad = wire;
  bad["args"][1]["promise"] = true;
  EXPECT_EQ(messageOf(bad), "args[1].promise: expected a UUID string, got true");
  bad = wire;
  bad.erase("taskId");
  EXPECT_EQ(messageOf(bad), "taskId: missing required field");
  bad = wire;
  bad["options"]["timeoutMs"] = -1;
  EXPECT_EQ(messageOf(bad), "options.timeoutMs: must be 1 to 2592000000 (30 days), got -1");
  bad = wire;
  bad["method"] = std::string(300, 'm');
  EXPECT_EQ(messageOf(bad), "method: must be at most 256 bytes long, got 300 bytes");
  bad = wire;
  bad["args"] = Json::array();
  for (int i = 0; i < 1001; ++i) bad["args"].push_back({{"value", i}});
  EXPECT_EQ(messageOf(bad), "args: at most 1000 items are allowed, got 1001");
}

}  // namespace
}  // namespace pledge
