// The pledge CLI against a real pledge-server and pledge-bootstrap (the notification actors).
#include "cli_run.h"
#include "pledge/cli/cli_app.h"

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "bootstrap_process.h"
#include "pledge/event.h"
#include "server_process.h"
#include "test_api.h"

namespace pledge::cli {
namespace {

using testing::BootstrapProcess;
using testing::ServerProcess;

class PledgeCli : public ::testing::Test {
 protected:
  Outcome run(const std::vector<std::string>& args) { return runPledge(server_.url(), args); }

  void TearDown() override {
    if (HasFailure())
      std::cerr << "---- server\n" << server_.log() << "---- bootstrap\n" << workers_.log();
  }

  ServerProcess server_;
  BootstrapProcess workers_{"examples/notification/actors.yaml", server_.url()};
};

TEST_F(PledgeCli, startsNinetyOneProcessesAndWaitsForThem) {
  Outcome started = run({"start", "NotificationDecider#1.0", "start", R"(["user-{i}","hi"])",
                         "--count", "91", "--wait"});
  EXPECT_EQ(started.status, kExitOk) << started.err;
  EXPECT_NE(started.out.find("started 91 process(es) of NotificationDecider#1.0.start"),
            std::string::npos);
  EXPECT_NE(started.out.find("ended: 91 completed"), std::string::npos) << started.out;
  EXPECT_NE(started.err.find("completed 91/91"), std::string::npos)
      << "the progress bar: " << started.err;

  Outcome all = run({"--json", "ps", "--state", "completed", "--all"});
  ASSERT_EQ(all.status, kExitOk);
  Json listed = parseJson(all.out);
  EXPECT_EQ(listed.at("items").size(), 91u);
  Outcome page = run({"ps", "--limit", "5"});
  EXPECT_NE(page.out.find("more: pledge ps --cursor"), std::string::npos) << page.out;

  const std::string id = listed["items"][0]["processId"].get<std::string>();
  Outcome show = run({"show", id});
  EXPECT_EQ(show.status, kExitOk);
  EXPECT_NE(show.out.find("#1 start ◆  NotificationDecider#1.0  completed"), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("get ●  UserProfileService#1.0  completed"), std::string::npos)
      << show.out;
  Outcome tasks = run({"tasks", id});
  EXPECT_NE(tasks.out.find("sendToTransport"), std::string::npos) << tasks.out;
  Outcome result = run({"result", id});
  EXPECT_EQ(result.status, kExitOk);
  EXPECT_EQ(result.out, "null\n");
  Outcome actors = run({"actors"});
  EXPECT_NE(actors.out.find("NotificationDecider  1.0"), std::string::npos) << actors.out;
  Outcome one = run({"start", "NotificationDecider#1.0", "start", R"(["user-3","hi"])", "--wait"});
  EXPECT_EQ(one.status, kExitOk) << one.err;
  EXPECT_NE(one.out.find("process "), std::string::npos);
  EXPECT_NE(one.out.find("null"), std::string::npos) << "the result: " << one.out;
  Outcome queues = run({"queues"});
  EXPECT_NE(queues.out.find("MailService#1.0"), std::string::npos) << queues.out;
}

TEST_F(PledgeCli, restartsAndAbortsBrokenProcesses) {
  testing::TestApi api(server_.port());
  // Crash#1.0 has no runner: the test plays its worker and fails it.
  StartedProcess broken = api.start("Crash#1.0", "start");
  PolledTask task = api.poll("Crash#1.0", 1, 5000).at(0);
  ASSERT_EQ(api.releaseStatus(testing::errorOf(task, TaskError("Boom", "bad input"))), "accepted");
  Outcome listed = run({"ps", "--state", "broken"});
  EXPECT_NE(listed.out.find(broken.processId.toString()), std::string::npos) << listed.out;
  Outcome result = run({"result", broken.processId.toString()});
  EXPECT_EQ(result.status, kExitRefused);
  EXPECT_NE(result.out.find("process is broken: Boom: bad input"), std::string::npos) << result.out;
  Outcome show = run({"show", broken.processId.toString()});
  EXPECT_NE(show.out.find("error  Boom: bad input  (task #1)"), std::string::npos) << show.out;

  Outcome restarted = run({"restart", broken.processId.toString()});
  EXPECT_EQ(restarted.status, kExitOk) << restarted.err;
  EXPECT_NE(restarted.out.find("is running"), std::string::npos);
  Outcome aborted = run({"abort", broken.processId.toString()});
  EXPECT_EQ(aborted.status, kExitOk);
  EXPECT_NE(aborted.out.find("is aborted"), std::string::npos);
  Outcome again = run({"abort", broken.processId.toString()});
  EXPECT_EQ(again.status, kExitRefused);
  EXPECT_NE(again.err.find("conflict"), std::string::npos) << again.err;
}

TEST_F(PledgeCli, pausesAndResumesAProcess) {
  testing::TestApi api(server_.port());
  // Held#1.0 has no runner: the test polls its start task.
  StartedProcess held = api.start("Held#1.0", "start");
  Outcome paused = run({"pause", held.processId.toString()});
  EXPECT_EQ(paused.status, kExitOk) << paused.err;
  EXPECT_NE(paused.out.find("is running, paused"), std::string::npos) << paused.out;
  EXPECT_TRUE(api.poll("Held#1.0", 1, 300).empty()) << "a paused process's task was handed out";
  Outcome listed = run({"ps", "--state", "paused"});
  EXPECT_NE(listed.out.find(held.processId.toString()), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("(paused)"), std::string::npos) << listed.out;
  Outcome resumed = run({"resume", held.processId.toString()});
  EXPECT_EQ(resumed.status, kExitOk) << resumed.err;
  EXPECT_EQ(resumed.out.find("paused"), std::string::npos) << resumed.out;
  PolledTask task = api.poll("Held#1.0", 1, 5000).at(0);
  ASSERT_EQ(api.releaseStatus(testing::valueOf(task, 1)), "accepted");
  Outcome ended = run({"pause", held.processId.toString()});
  EXPECT_EQ(ended.status, kExitRefused);
  EXPECT_NE(ended.err.find("only a running or broken process can be paused"), std::string::npos)
      << ended.err;
}

TEST_F(PledgeCli, showsAndListsTheDeadlineOfAProcessReadFromTheStore) {
  testing::TestApi api(server_.port());
  // Held#1.0 has no runner: the test completes its start task well before the deadline.
  Outcome started = run({"--json", "start", "Held#1.0", "start", "--deadline", "2h"});
  ASSERT_EQ(started.status, kExitOk) << started.err;
  const std::string id = parseJson(started.out).at("processId").get<std::string>();
  PolledTask task = api.poll("Held#1.0", 1, 5000).at(0);
  ASSERT_EQ(api.releaseStatus(testing::valueOf(task, 1)), "accepted");
  ASSERT_EQ(run({"result", id}).status, kExitOk);
  // After a restart the ended process is read from the store only.
  server_.stop(SIGTERM);
  server_.start();
  Outcome show = run({"show", id});
  EXPECT_NE(show.out.find("completed  took "), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("  deadline in 1 h\n"), std::string::npos) << show.out;
  Outcome listed = run({"ps", "--actor", "Held#1.0"});
  EXPECT_NE(listed.out.find("DEADLINE"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("in 1 h"), std::string::npos) << listed.out;
  // A list with no process that has a deadline has no such column.
  ASSERT_EQ(run({"start", "Other#1.0", "start"}).status, kExitOk);
  Outcome none = run({"ps", "--actor", "Other#1.0"});
  EXPECT_NE(none.out.find("Other#1.0"), std::string::npos) << none.out;
  EXPECT_EQ(none.out.find("DEADLINE"), std::string::npos) << none.out;
}

TEST_F(PledgeCli, startsTaggedProcessesAndListsThemByTag) {
  // Tagged#1.0 has no runner: its processes stay running.
  auto startTagged = [&](std::vector<std::string> tags) {
    // The tags before ACTOR METHOD: each --tag takes one value.
    std::vector<std::string> args{"--json", "start"};
    for (const std::string& tag : tags) {
      args.push_back("--tag");
      args.push_back(tag);
    }
    args.push_back("Tagged#1.0");
    args.push_back("start");
    Outcome started = run(args);
    EXPECT_EQ(started.status, kExitOk) << started.err;
    return parseJson(started.out).at("processId").get<std::string>();
  };
  const std::string prod = startTagged({"team=billing", "env=prod"});
  const std::string dev = startTagged({"team=billing", "env=dev"});
  const std::string untagged = startTagged({});

  Outcome billing = run({"ps", "--tag", "team=billing"});
  ASSERT_EQ(billing.status, kExitOk) << billing.err;
  EXPECT_NE(billing.out.find("TAGS"), std::string::npos) << billing.out;
  EXPECT_NE(billing.out.find("env=prod team=billing"), std::string::npos) << billing.out;
  EXPECT_NE(billing.out.find(dev), std::string::npos) << billing.out;
  EXPECT_EQ(billing.out.find(untagged), std::string::npos) << billing.out;
  Outcome both = run({"--json", "ps", "--tag", "team=billing", "--tag", "env:prod"});
  Json items = parseJson(both.out).at("items");
  ASSERT_EQ(items.size(), 1U) << both.out;
  EXPECT_EQ(items[0]["processId"], prod);
  EXPECT_EQ(items[0]["tags"], Json({{"team", "billing"}, {"env", "prod"}}));
  Outcome none = run({"ps", "--tag", "team=ops"});
  EXPECT_EQ(none.out, "no processes match\n");

  Outcome show = run({"show", prod});
  EXPECT_NE(show.out.find("tags   env=prod team=billing"), std::string::npos) << show.out;
  Outcome plain = run({"show", untagged});
  EXPECT_EQ(plain.out.find("tags"), std::string::npos) << plain.out;

  Outcome bad = run({"start", "Tagged#1.0", "start", "--tag", "no value"});
  EXPECT_EQ(bad.status, kExitUsage);
  EXPECT_NE(bad.err.find("--tag \"no value\": expected KEY=VALUE"), std::string::npos) << bad.err;
  Outcome badPs = run({"ps", "--tag", "a/b=c"});
  EXPECT_EQ(badPs.status, kExitUsage);
  Outcome tooLong = run({"start", "Tagged#1.0", "start", "--tag", "v=" + std::string(257, 'x')});
  EXPECT_EQ(tooLong.status, kExitUsage);  // checked before anything is sent
  EXPECT_NE(tooLong.err.find(": must be at most 256 bytes long"), std::string::npos)
      << tooLong.err;
}

TEST_F(PledgeCli, sendsEventsToTheProcessesWaitingForThem) {
  testing::TestApi api(server_.port());
  // Waiter#1.0 has no runner: the test plays its decider, which waits for pizzaReady order-42.
  StartedProcess waiting = api.start("Waiter#1.0", "start");
  PolledTask start = api.poll("Waiter#1.0", 1, 5000).at(0);
  TaskSpec wait = testing::newTask("Waiter#1.0", "pizzaReady", {ArgSpec::ofValue("order-42")},
                                   TaskType::Event, CallOptions{.timeoutMs = 60'000});
  ASSERT_EQ(api.releaseStatus(testing::forwardOf(start, wait.taskId, {wait})), "accepted");

  Outcome sent =
      run({"event", "send", "pizzaReady", "order-42", R"({"ready":true})", "--id", "e-1"});
  ASSERT_EQ(sent.status, kExitOk) << sent.err;
  EXPECT_EQ(sent.out, "pizzaReady order-42: resolved 1 waiting task\n");
  Outcome result = run({"result", waiting.processId.toString(), "--wait", "10"});
  ASSERT_EQ(result.status, kExitOk) << result.out;
  EXPECT_EQ(parseJson(result.out), Json({{"ready", true}}));

  Outcome again = run({"event", "send", "pizzaReady", "order-42", "{}", "--id", "e-1"});
  EXPECT_EQ(again.out,
            "pizzaReady order-42: duplicate of an earlier event (id e-1): nothing changed\n");
  Outcome early = run({"--json", "event", "send", "pizzaReady", "order-43"});
  EXPECT_EQ(early.status, kExitOk) << early.err;
  EXPECT_EQ(parseJson(early.out).get<EventDelivery>(),
            (EventDelivery{.name = "pizzaReady", .key = "order-43", .resolved = 0, .kept = true}));
  // The kept one is listed, by name too; an unknown name lists nothing.
  Outcome kept = run({"event", "list", "--name", "pizzaReady"});
  EXPECT_EQ(kept.status, kExitOk) << kept.err;
  EXPECT_NE(kept.out.find("order-43"), std::string::npos) << kept.out;
  EXPECT_NE(kept.out.find("any"), std::string::npos) << kept.out;
  EXPECT_EQ(parseJson(run({"--json", "event", "list"}).out).size(), 1u);
  EXPECT_EQ(run({"event", "list", "--name", "other"}).out,
            "no kept events: every event sent found its waiters, or expired\n");
  Outcome nobody = run({"event", "send", "poke", "", "--process", Uuid::random().toString()});
  EXPECT_EQ(nobody.status, kExitRefused);
  EXPECT_NE(nobody.err.find("not_found"), std::string::npos) << nobody.err;
}

TEST_F(PledgeCli, definesTriggersPausesAndDeletesASchedule) {
  Outcome created = run({"schedule", "create", "nightly", "--cron", "0 2 * * *", "--tz",
                         "Europe/Berlin", "--overlap", "buffer-one", "--catchup", "1h",
                         "NotificationDecider#1.0", "start", R"(["user-7","hi"])"});
  ASSERT_EQ(created.status, kExitOk) << created.err;
  EXPECT_NE(created.out.find("schedule nightly: 0 2 * * * (Europe/Berlin), next fire "),
            std::string::npos)
      << created.out;
  Outcome listed = run({"schedule", "list"});
  EXPECT_NE(listed.out.find("nightly  0 2 * * *  Europe/Berlin"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("active  buffer-one"), std::string::npos) << listed.out;

  Outcome triggered = run({"schedule", "trigger", "nightly"});
  ASSERT_EQ(triggered.status, kExitOk) << triggered.err;
  ASSERT_TRUE(triggered.out.starts_with("started process ")) << triggered.out;
  const std::string processId = triggered.out.substr(16, 36);
  Outcome result = run({"result", processId, "--wait", "30"});
  EXPECT_EQ(result.status, kExitOk) << result.out << result.err;
  Outcome shown = run({"schedule", "show", "nightly"});
  EXPECT_EQ(shown.status, kExitOk) << shown.err;
  EXPECT_NE(shown.out.find("starts   NotificationDecider#1.0.start [\"user-7\",\"hi\"]"),
            std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find(processId + "  completed"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(":00:00 (in "), std::string::npos) << "next fires: " << shown.out;

  Outcome paused = run({"schedule", "pause", "nightly"});
  EXPECT_EQ(paused.status, kExitOk) << paused.err;
  EXPECT_NE(run({"schedule", "list"}).out.find("- (paused)"), std::string::npos);
  Outcome resumed = run({"schedule", "resume", "nightly"});
  EXPECT_NE(resumed.out.find("resumed schedule nightly: next fire "), std::string::npos)
      << resumed.out;

  Outcome other = run({"schedule", "create", "nightly", "--cron", "0 3 * * *", "A#1", "m"});
  EXPECT_EQ(other.status, kExitRefused);
  EXPECT_NE(other.err.find("pledge schedule replace nightly"), std::string::npos) << other.err;
  Outcome badRule = run({"schedule", "create", "bad", "--cron", "0 25 * * *", "A#1", "m"});
  EXPECT_EQ(badRule.status, kExitRefused);
  EXPECT_NE(badRule.err.find("cron"), std::string::npos) << badRule.err;

  EXPECT_EQ(run({"schedule", "delete", "nightly"}).status, kExitOk);
  Outcome gone = run({"schedule", "show", "nightly"});
  EXPECT_EQ(gone.status, kExitRefused);
  EXPECT_NE(gone.err.find("pledge schedule list shows the schedules there are"), std::string::npos)
      << gone.err;
  EXPECT_EQ(run({"schedule", "list"}).out,
            "no schedules: pledge schedule create ID --cron '0 2 * * *' ACTOR METHOD [ARGS] makes "
            "one\n");
}

TEST_F(PledgeCli, blocksAndUnblocksActors) {
  Outcome blocked = run({"block", "MailService#1.0"});
  EXPECT_EQ(blocked.status, kExitOk);
  Outcome actors = run({"--json", "actors"});
  bool shown = false;
  for (const Json& actor : parseJson(actors.out)) {
    if (actor["actor"] == "MailService#1.0") shown = actor["blocked"].get<bool>();
  }
  EXPECT_TRUE(shown) << actors.out;
  EXPECT_EQ(run({"unblock", "MailService#1.0"}).status, kExitOk);
  EXPECT_EQ(run({"block", "NoVersion"}).status, kExitUsage);
}

TEST_F(PledgeCli, usageErrorsExitTwoAndNotFoundOne) {
  EXPECT_EQ(run({}).status, kExitUsage);
  EXPECT_EQ(run({"frobnicate"}).status, kExitUsage);
  Outcome badJson = run({"start", "D#1", "start", "[1,"});
  EXPECT_EQ(badJson.status, kExitUsage);
  EXPECT_NE(badJson.err.find("ARGS_JSON is not JSON"), std::string::npos) << badJson.err;
  Outcome badId = run({"show", "nope"});
  EXPECT_EQ(badId.status, kExitUsage);
  Outcome missing = run({"show", Uuid::random().toString()});
  EXPECT_EQ(missing.status, kExitRefused);
  EXPECT_NE(missing.err.find("not_found"), std::string::npos) << missing.err;
  EXPECT_EQ(run({"--help"}).status, kExitOk);
}

TEST(PledgeCliOffline, anUnreachableServerIsExitThreeWithWhatToDo) {
  std::vector<const char*> argv = {"pledge", "--server", "http://127.0.0.1:1", "ps"};
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(runCli(static_cast<int>(argv.size()), argv.data(), out, err, CliEnvironment{}),
            kExitUnreachable);
  EXPECT_NE(err.str().find("cannot reach pledge-server"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("--server"), std::string::npos) << err.str();
}

TEST(PledgeCliBinary, theBinaryRunsAndExitsWithItsStatus) {
  char pattern[] = "/tmp/pledge-cli-XXXXXX.log";
  int fd = mkstemps(pattern, 4);
  close(fd);
  pid_t pid = spawnProcess(
      {testing::buildBinary("cli/pledge"), "--server", "http://127.0.0.1:1", "queues"}, pattern);
  EXPECT_EQ(testing::waitForExit(pid, 30'000), kExitUnreachable);
  std::remove(pattern);
}

}  // namespace
}  // namespace pledge::cli
