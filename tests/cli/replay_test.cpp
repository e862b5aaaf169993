// pledge replay: the comparison (replay.h) on its own, and the command against a real server
// whose processes pledge-bootstrap ran with the notification example, replayed with that
// plugin (the same decisions) and with a changed one (replay_changed_decider.cpp).
#include "replay.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "bootstrap_process.h"
#include "cli_run.h"
#include "server_process.h"
#include "subprocess.h"

namespace pledge::cli {
namespace {

using testing::BootstrapProcess;
using testing::ServerProcess;

const Uuid kEarlier = Uuid::parse("0193d4c2-9a4e-7b1c-8f00-1a2b3c4d5e6f").value();

TaskSpec call(const std::string& method, std::vector<ArgSpec> args) {
  TaskSpec spec;
  spec.taskId = Uuid::random();
  spec.actor = "Mail#1.0";
  spec.method = method;
  spec.args = std::move(args);
  return spec;
}

// A decision that calls send(earlier task's result) and then log(send's result).
Decision sample() {
  Decision decision;
  decision.tasks.push_back(call("send", {ArgSpec::ofPromise(kEarlier), ArgSpec::ofValue("hi")}));
  decision.tasks.push_back(call("log", {ArgSpec::ofPromise(decision.tasks[0].taskId)}));
  decision.promise = decision.tasks[1].taskId;
  return decision;
}

// The decision as GET /api/v1/tasks/{id} records it: its own ids, leases filled in.
Json recordedForm(const Decision& decision) {
  Json tasks = Json::array();
  for (TaskSpec spec : decision.tasks) {
    spec.options.timeoutMs = 60'000;
    tasks.push_back(spec);
  }
  Json recorded = {{"tasks", tasks}};
  if (decision.promise) recorded["promise"] = *decision.promise;
  if (!decision.promise && !decision.error) recorded["result"] = decision.result;
  return recorded;
}

TEST(ReplayComparison, newTaskIdsBecomePlacesAndEarlierOnesStay) {
  Json comparable = comparableDecision(sample());
  EXPECT_EQ(comparable["tasks"][0]["task"], "new task 1");
  EXPECT_EQ(comparable["tasks"][0]["args"][0]["promise"], kEarlier.toString());
  EXPECT_EQ(comparable["tasks"][1]["args"][0]["promise"], "new task 1");
  EXPECT_EQ(comparable["outcome"]["promise"], "new task 2");
}

TEST(ReplayComparison, theSameCallsWithOtherIdsAndDefaultLeasesAreTheSame) {
  Decision recorded = sample();
  Decision replayed = sample();  // new ids, as every run makes
  ASSERT_NE(recorded.tasks[0].taskId, replayed.tasks[0].taskId);
  const std::string before = comparableDecision(recordedForm(recorded), replayed).dump(2);
  EXPECT_EQ(unifiedDiff(before, comparableDecision(replayed).dump(2)), "");
}

TEST(ReplayComparison, aChangedArgumentOrOutcomeIsShownAsADiff) {
  Decision recorded = sample();
  Decision replayed = sample();
  replayed.tasks[0].args[1] = ArgSpec::ofValue("hello");
  replayed.promise.reset();
  replayed.result = 42;
  const std::string diff =
      unifiedDiff(comparableDecision(recordedForm(recorded), replayed).dump(2),
                  comparableDecision(replayed).dump(2));
  EXPECT_EQ(diff.rfind("--- recorded\n+++ replayed\n@@ ", 0), 0u) << diff;
  EXPECT_NE(diff.find("-          \"value\": \"hi\""), std::string::npos) << diff;
  EXPECT_NE(diff.find("+          \"value\": \"hello\""), std::string::npos) << diff;
  EXPECT_NE(diff.find("+    \"result\": 42"), std::string::npos) << diff;
}

TEST(ReplayComparison, aStartTimeIsComparedAsSetOrNot) {
  Decision recorded = sample();
  Decision replayed = sample();
  recorded.tasks[0].options.startTime = 1'000;
  replayed.tasks[0].options.startTime = 2'000;
  EXPECT_EQ(unifiedDiff(comparableDecision(recordedForm(recorded), replayed).dump(2),
                        comparableDecision(replayed).dump(2)),
            "");
  replayed.tasks[0].options.startTime.reset();
  EXPECT_NE(unifiedDiff(comparableDecision(recordedForm(recorded), replayed).dump(2),
                        comparableDecision(replayed).dump(2)),
            "");
}

class PledgeReplay : public ::testing::Test {
 protected:
  Outcome run(const std::vector<std::string>& args) { return runPledge(server_.url(), args); }

  // pledge replay as its own process, as a user runs it: plugins that define the same actors
  // (the example and its changed version) cannot share one process, as the CLI tests would.
  // out holds what it printed on both streams.
  Outcome replay(const std::string& task, const std::string& plugin, bool json = false) {
    char log[] = "/tmp/pledge-replay-XXXXXX.log";
    close(mkstemps(log, 4));
    std::vector<std::string> argv = {testing::buildBinary("cli/pledge"), "--server",
                                     server_.url()};
    if (json) argv.push_back("--json");
    for (const char* arg : {"replay", task.c_str(), "--plugin", plugin.c_str()}) {
      argv.push_back(arg);
    }
    const pid_t pid = spawnProcess(argv, log);
    const std::optional<int> status = waitForExit(pid, std::chrono::seconds(60));
    std::ifstream in(log);
    std::ostringstream text;
    text << in.rdbuf();
    std::remove(log);
    return Outcome{status.value_or(-1), text.str(), text.str()};
  }

  void TearDown() override {
    if (HasFailure())
      std::cerr << "---- server\n" << server_.log() << "---- bootstrap\n" << workers_.log();
  }

  // A completed process of the example for user (the newest one: a test's only one).
  Json completedProcess(const std::string& user) {
    Outcome started = run({"start", "NotificationDecider#1.0", "start",
                           Json::array({user, "hi"}).dump(), "--wait"});
    EXPECT_EQ(started.status, kExitOk) << started.err;
    Outcome listed = run({"--json", "ps", "--state", "completed", "--limit", "1"});
    Json items = parseJson(listed.out).at("items");
    EXPECT_EQ(items.size(), 1u) << listed.out;
    return items.empty() ? Json::object() : items[0];
  }

  std::string taskOf(const Json& process, const std::string& method) {
    Outcome tasks = run({"--json", "tasks", process.value("processId", "")});
    for (const Json& task : parseJson(tasks.out)) {
      if (task.at("method") == method) return task.at("taskId").get<std::string>();
    }
    ADD_FAILURE() << "no task " << method << " in " << tasks.out;
    return "";
  }

  ServerProcess server_;
  BootstrapProcess workers_{"examples/notification/actors.yaml", server_.url()};
};

TEST_F(PledgeReplay, theSameCodeMakesTheSameDecisionAndChangedCodeShowsTheChange) {
  const std::string task = taskOf(completedProcess("user-1"), "start");
  ASSERT_FALSE(task.empty());
  Outcome same = replay(task, PLEDGE_NOTIFICATION_PLUGIN);
  EXPECT_EQ(same.status, kExitOk) << same.out << same.err;
  EXPECT_NE(same.out.find("the same decision, 3 new tasks and result null"), std::string::npos)
      << same.out;

  Outcome changed = replay(task, PLEDGE_REPLAY_CHANGED_PLUGIN);
  EXPECT_EQ(changed.status, kExitRefused) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("the decision differs from the recorded one"), std::string::npos)
      << changed.out;
  EXPECT_NE(changed.out.find("-          \"value\": \"hi\""), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("+          \"value\": \"hi -- Pledge\""), std::string::npos)
      << changed.out;

  Outcome json = replay(task, PLEDGE_REPLAY_CHANGED_PLUGIN, /*json=*/true);
  Json answer = parseJson(json.out);
  EXPECT_FALSE(answer.at("same").get<bool>());
  EXPECT_EQ(answer.at("recorded").at("tasks").size(), 3u);
}

TEST_F(PledgeReplay, anAsynchronousDeciderTaskReplaysOnItsResolvedArguments) {
  // user-3's profile says SMS, which the example sends; the changed code sends e-mail.
  const std::string task = taskOf(completedProcess("user-3"), "sendToTransport");
  ASSERT_FALSE(task.empty());
  Outcome same = replay(task, PLEDGE_NOTIFICATION_PLUGIN);
  EXPECT_EQ(same.status, kExitOk) << same.out << same.err;
  EXPECT_NE(same.out.find("the same decision, 1 new task and result of new task 1"),
            std::string::npos)
      << same.out;
  Outcome changed = replay(task, PLEDGE_REPLAY_CHANGED_PLUGIN);
  EXPECT_EQ(changed.status, kExitRefused) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("-      \"call\": \"SMSService#1.0.send\""), std::string::npos)
      << changed.out;
  EXPECT_NE(changed.out.find("+      \"call\": \"MailService#1.0.send\""), std::string::npos)
      << changed.out;
}

TEST_F(PledgeReplay, refusesWorkerTasksUnknownTasksAndPluginsWithoutTheDecider) {
  Outcome unknown =
      run({"replay", "0193d4c2-9a4e-7b1c-8f00-1a2b3c4d5e6f", "--plugin", "/nonexistent.so"});
  EXPECT_EQ(unknown.status, kExitRefused) << unknown.err;
  EXPECT_NE(unknown.err.find("no task"), std::string::npos) << unknown.err;
  Outcome notATask = run({"replay", "seven", "--plugin", "x.so"});
  EXPECT_EQ(notATask.status, kExitUsage);
  const Json process = completedProcess("user-2");
  Outcome worker = run({"replay", taskOf(process, "get"), "--plugin", "x.so"});
  EXPECT_EQ(worker.status, kExitUsage);
  EXPECT_NE(worker.err.find("is a worker task of UserProfileService#1.0"), std::string::npos)
      << worker.err;
  const std::string task = taskOf(process, "start");
  Outcome missing = run({"replay", task, "--plugin", "/nonexistent/libx.so"});
  EXPECT_EQ(missing.status, kExitUsage) << missing.err;
  EXPECT_NE(missing.err.find("--plugin /nonexistent/libx.so"), std::string::npos) << missing.err;
  Outcome other = replay(task, PLEDGE_REPLAY_OTHER_PLUGIN);
  EXPECT_EQ(other.status, kExitUsage) << other.err;
  EXPECT_NE(other.err.find("holds no actor NotificationDecider#1.0"), std::string::npos)
      << other.err;
}

}  // namespace
}  // namespace pledge::cli
