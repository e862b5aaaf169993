#include "pledge/workflows.h"

#include <gtest/gtest.h>

#include "pledge/error.h"
#include "pledge/task_recorder.h"

namespace pledge {
namespace {

TEST(Workflows, aDeciderCallsAWorkflowAsADeciderTaskOfItsActor) {
  TaskRecorder recorder("Onboarding#1.0");
  Promise<Json> checked;
  {
    RecordingScope scope(recorder);
    Promise<Json> users = Promise<Json>::ofTask(Uuid::random());
    checked = callWorkflow("kyc", 2, Json{{"country", "FR"}}, {.priority = 5});
    callWorkflow("kyc", 2, users);
  }
  ASSERT_EQ(recorder.tasks().size(), 2u);
  const TaskSpec& call = recorder.tasks()[0];
  EXPECT_EQ(call.actor, "workflow:kyc#2");
  EXPECT_EQ(call.method, "execute");
  EXPECT_EQ(call.type, TaskType::Decider);
  EXPECT_EQ(call.args.at(0).value, (Json{{"country", "FR"}}));
  EXPECT_EQ(call.options.priority, 5);
  EXPECT_EQ(checked.taskId(), call.taskId);
  EXPECT_EQ(recorder.tasks()[1].args.at(0).kind, ArgSpec::Kind::Promise);
}

TEST(Workflows, refusesWhatCannotNameOrFeedAWorkflow) {
  TaskRecorder recorder("Onboarding#1.0");
  RecordingScope scope(recorder);
  EXPECT_THROW(callWorkflow("kyc", 0, Json::object()), Error);
  EXPECT_THROW(callWorkflow("kyc#2", 1, Json::object()), Error);
  EXPECT_THROW(callWorkflow("kyc", 1, Json::array({1})), Error);
  EXPECT_TRUE(recorder.tasks().empty());
}

TEST(Workflows, isRecordedByADeciderOnly) {
  EXPECT_THROW(callWorkflow("kyc", 1, Json::object()), Error);
}

}  // namespace
}  // namespace pledge
