// The notification example's decider and workers, unit-tested through the generated recording
// test doubles: what each method records, not what a server does with it.
#include <gtest/gtest.h>

#include "notification.pledge.h"
#include "notification_decider.h"
#include "notification_workers.h"
#include "pledge/decider_runtime.h"
#include "pledge/task_recorder.h"

namespace example::notification {
namespace {

using pledge::ArgSpec;

std::vector<pledge::TaskSpec> record(const std::function<void(NotificationDeciderImpl&)>& call) {
  NotificationDeciderImpl decider;
  pledge::TaskRecorder recorder(NotificationDecider::kActor);
  pledge::RecordingScope scope(recorder);
  call(decider);
  return recorder.takeTasks();
}

TEST(NotificationDecider, startCapturesThreeTasksWithTheirDependencies) {
  auto tasks = record([](auto& decider) { decider.start("user-4", "hello"); });
  ASSERT_EQ(tasks.size(), 3u);
  UserProfileServiceRecording profiles(tasks);
  NotificationDeciderRecording self(tasks);
  ASSERT_EQ(profiles.get().size(), 1u);
  ASSERT_EQ(self.sendToTransport().size(), 1u);
  ASSERT_EQ(self.blockOnFail().size(), 1u);

  const auto& get = profiles.get()[0];
  EXPECT_EQ(get.userId.value(), "user-4");
  EXPECT_EQ(get.task.type, pledge::TaskType::Worker);

  const auto& send = self.sendToTransport()[0];
  EXPECT_TRUE(send.profile.isPromiseOf(get.task));
  EXPECT_FALSE(send.profile.acceptFail().enabled());
  EXPECT_EQ(send.message.value(), "hello");
  EXPECT_EQ(send.task.type, pledge::TaskType::Decider);

  const auto& block = self.blockOnFail()[0];
  EXPECT_EQ(block.userId.value(), "user-4");
  EXPECT_TRUE(block.sent.isPromiseOf(send.task));
  EXPECT_TRUE(block.sent.acceptFail().anyType);
}

TEST(NotificationDecider, startDecisionMatchesTheWireFormatFieldForField) {
  pledge::DeciderRuntime runtime(
      NotificationDecider::kActor,
      std::make_unique<NotificationDeciderDispatcher>(std::make_unique<NotificationDeciderImpl>()));
  pledge::PolledTask task;
  task.taskId = pledge::Uuid::random();
  task.processId = pledge::Uuid::random();
  task.actor = NotificationDecider::kActor;
  task.method = "start";
  task.type = pledge::TaskType::Decider;
  task.args = {pledge::ArgValue::ofValue("user-4"), pledge::ArgValue::ofValue("hello")};
  pledge::Decision decision = runtime.execute(task);
  ASSERT_FALSE(decision.failed()) << decision.error->message();
  const std::string profileId = decision.tasks.at(0).taskId.toString();
  const std::string sendId = decision.tasks.at(1).taskId.toString();
  const std::string blockId = decision.tasks.at(2).taskId.toString();

  pledge::Json expected = pledge::parseJson(R"({
    "taskId": ")" + task.taskId.toString() + R"(",
    "processId": ")" + task.processId.toString() + R"(", "attempt": 1, "result": null,
    "tasks": [
      {"taskId": ")" + profileId + R"(", "actor": "UserProfileService#1.0", "method": "get",
       "type": "worker", "args": [{"value": "user-4"}], "options": {}},
      {"taskId": ")" + sendId + R"(", "actor": "NotificationDecider#1.0",
       "method": "sendToTransport", "type": "decider",
       "args": [{"promise": ")" + profileId + R"("}, {"value": "hello"}], "options": {}},
      {"taskId": ")" + blockId + R"(", "actor": "NotificationDecider#1.0",
       "method": "blockOnFail", "type": "decider",
       "args": [{"value": "user-4"}, {"promise": ")" + sendId + R"(", "acceptFail": true}],
       "options": {}}
    ]})");
  EXPECT_EQ(pledge::Json(decision), expected) << pledge::Json(decision).dump(2);
}

TEST(NotificationDecider, sendToTransportPicksSmsEmailOrImmediateTrue) {
  Profile sms = simulatedProfile("user-3");
  ASSERT_EQ(sms.deliveryType, Delivery::Sms);
  pledge::Promise<bool> result;
  auto tasks = record([&](auto& decider) { result = decider.sendToTransport(sms, "hi"); });
  SMSServiceRecording smsCalls(tasks);
  ASSERT_EQ(tasks.size(), 1u);
  ASSERT_EQ(smsCalls.send().size(), 1u);
  EXPECT_EQ(smsCalls.send()[0].phone.value(), sms.phone);
  EXPECT_EQ(smsCalls.send()[0].task.options.retry->kind, pledge::RetryKind::Fixed);
  EXPECT_EQ(result.taskId(), tasks[0].taskId);

  Profile email = simulatedProfile("user-4");
  ASSERT_EQ(email.deliveryType, Delivery::Email);
  tasks = record([&](auto& decider) { result = decider.sendToTransport(email, "hi"); });
  MailServiceRecording mailCalls(tasks);
  ASSERT_EQ(mailCalls.send().size(), 1u);
  EXPECT_EQ(mailCalls.send()[0].email.value(), "user-4@example.org");
  EXPECT_EQ(mailCalls.send()[0].task.options.timeoutMs, 30'000);

  Profile blocked = simulatedProfile("user-20");
  ASSERT_TRUE(blocked.blocked);
  tasks = record([&](auto& decider) { result = decider.sendToTransport(blocked, "hi"); });
  EXPECT_TRUE(tasks.empty());
  EXPECT_TRUE(result.isResolved());
  EXPECT_TRUE(result.get());
}

TEST(NotificationDecider, blockOnFailBlocksOnlyWhenSendingFailed) {
  auto blocksFor = [](pledge::Promise<bool> sent) {
    auto tasks = record([&](auto& decider) { decider.blockOnFail("user-7", sent); });
    return UserProfileServiceRecording(tasks).blockNotification().size();
  };
  EXPECT_EQ(blocksFor(pledge::Promise<bool>::of(true)), 0u);
  EXPECT_EQ(blocksFor(pledge::Promise<bool>::of(false)), 1u);
  EXPECT_EQ(blocksFor(pledge::Promise<bool>::failed(
                pledge::TaskError("example::notification::AddressRejected", "rejected", false))),
            1u);
}

TEST(NotificationWorkers, simulatedServicesFollowTheUserNumber) {
  EXPECT_TRUE(simulatedProfile("user-10").blocked);
  EXPECT_EQ(simulatedProfile("user-9").deliveryType, Delivery::Sms);
  EXPECT_EQ(simulatedProfile("user-8").deliveryType, Delivery::Email);
  MailServiceImpl mail;
  EXPECT_TRUE(mail.send(simulatedProfile("user-8").email, "x"));
  EXPECT_THROW(mail.send(simulatedProfile("user-14").email, "x"), AddressRejected);
  SmsServiceImpl sms;
  EXPECT_THROW(sms.send(simulatedProfile("user-21").phone, "x"), AddressRejected);
}

}  // namespace
}  // namespace example::notification
