// The notification example end to end: a real pledge-server and pledge-bootstrap process on
// loopback, 91 processes started through the generated starter, every outcome checked.
#include <gtest/gtest.h>

#include "bootstrap_process.h"
#include "notification.pledge.h"
#include "notification_workers.h"
#include "pledge/rest_client.h"
#include "server_process.h"

namespace example::notification {
namespace {

using pledge::testing::BootstrapProcess;
using pledge::testing::ServerProcess;

// The tasks of a process by method name.
std::map<std::string, pledge::Json> tasksByMethod(pledge::RestClient& client,
                                                  const pledge::Uuid& process) {
  std::map<std::string, pledge::Json> tasks;
  for (const pledge::Json& task : client.processTasks(process))
    tasks[task.at("method").get<std::string>()] = task;
  return tasks;
}

TEST(NotificationEndToEnd, ninetyOneProcessesCompleteAsTheirProfilesSay) {
  ServerProcess server;
  BootstrapProcess workers("examples/notification/actors.yaml", server.url());
  pledge::RestClient client({server.url()});
  NotificationDeciderStarter notifications(client);

  std::vector<pledge::StartedProcess> started;
  for (int n = 1; n <= 91; ++n) {
    started.push_back(notifications.start("user-" + std::to_string(n), "Your order has shipped"));
  }
  for (int n = 1; n <= 91; ++n) {
    const std::string user = "user-" + std::to_string(n);
    pledge::ProcessInfo done =
        client.waitResult(started[n - 1].processId, std::chrono::seconds(60));
    ASSERT_EQ(done.state, pledge::ProcessState::Completed) << user << "\n" << workers.log();
    auto tasks = tasksByMethod(client, done.processId);
    const Profile profile = simulatedProfile(user);
    EXPECT_EQ(tasks.at("get").at("result"), pledge::Json(profile)) << user;
    if (profile.blocked) {
      EXPECT_FALSE(tasks.contains("send")) << user << ": a blocked user gets nothing";
      EXPECT_FALSE(tasks.contains("blockNotification")) << user;
    } else if (n % 7 == 0) {
      ASSERT_TRUE(tasks.contains("send")) << user;
      EXPECT_EQ(tasks.at("send").at("state"), "failed") << user;
      EXPECT_EQ(tasks.at("send").at("error").at("type"), "example::notification::AddressRejected");
      EXPECT_EQ(tasks.at("send").at("attempts"), 1) << user << ": AddressRejected is not retried";
      EXPECT_TRUE(tasks.contains("blockNotification")) << user;
    } else {
      ASSERT_TRUE(tasks.contains("send")) << user;
      EXPECT_EQ(tasks.at("send").at("result"), true) << user;
      EXPECT_EQ(tasks.at("send").at("actor"),
                profile.deliveryType == Delivery::Sms ? "SMSService#1.0" : "MailService#1.0");
      EXPECT_FALSE(tasks.contains("blockNotification")) << user;
    }
  }
}

}  // namespace
}  // namespace example::notification
