// pledge schedule create/replace/...: what the command line becomes on the wire and what the
// CLI says back, against a recording HTTP server (schedule_command.cpp's parsing and messages).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_run.h"
#include "pledge/cli/cli_app.h"
#include "pledge/json.h"
#include "pledge/schedule.h"
#include "recording_server.h"

namespace pledge::cli {
namespace {

using testing::RecordingServer;

// The start of the schedules the recording server answers.
const Json kStart = {{"actor", "A#1"}, {"method", "m"}, {"args", Json::array()}};

class ScheduleCommand : public ::testing::Test {
 protected:
  // Runs pledge schedule create ID ... and returns the body it sent (null when none).
  Json created(const std::vector<std::string>& args, Outcome* outcome = nullptr) {
    std::vector<std::string> line = {"schedule", "create"};
    line.insert(line.end(), args.begin(), args.end());
    Outcome ran = runPledge(server_.url(), line);
    if (outcome != nullptr) *outcome = ran;
    const std::vector<std::string> bodies = server_.bodies("/api/v1/schedules");
    return bodies.size() > sent_ ? parseJson(bodies[sent_++]) : Json();
  }

  void SetUp() override {
    Schedule answer{.id = "nightly", .cron = "0 2 * * *", .timeZone = "Europe/Berlin",
                    .start = kStart};
    answer.nextFireAt = 1'796'349'600'000;
    server_.answer("/api/v1/schedules", Json(answer).dump(), 201);
  }

  RecordingServer server_;
  std::size_t sent_ = 0;
};

TEST_F(ScheduleCommand, createSendsTheDefinitionAsTyped) {
  Outcome outcome;
  const Json body = created({"nightly", "--cron", "0 2 * * *", "--tz", "Europe/Berlin",
                             "--overlap", "buffer-one", "--catchup", "1h 30m", "--jitter", "30s",
                             "--note", "the report", "--paused", "--task-list", "batch",
                             "Report#1.0", "start", R"(["daily",3])"},
                            &outcome);
  EXPECT_EQ(outcome.status, kExitOk) << outcome.err;
  EXPECT_EQ(body, parseJson(R"({"id":"nightly","cron":"0 2 * * *","timeZone":"Europe/Berlin",
      "start":{"actor":"Report#1.0","method":"start","args":["daily",3],"taskList":"batch"},
      "overlap":"bufferOne","catchupWindowMs":5400000,"jitterMs":30000,"paused":true,
      "note":"the report"})"));
  EXPECT_NE(outcome.out.find("schedule nightly: 0 2 * * * (Europe/Berlin), next fire "),
            std::string::npos)
      << outcome.out;
}

TEST_F(ScheduleCommand, defaultsAreUtcSkipAndNoArguments) {
  const Json body = created({"tick", "--cron", "@every 10m", "Tick#1.0", "run"});
  EXPECT_EQ(body.at("timeZone"), "UTC");
  EXPECT_EQ(body.at("overlap"), "skip");
  EXPECT_EQ(body.at("catchupWindowMs"), 0);
  EXPECT_EQ(body.at("start"), parseJson(R"({"actor":"Tick#1.0","method":"run","args":[]})"));
}

TEST_F(ScheduleCommand, aWorkflowTakesItsInputLikePledgeStart) {
  Json body = created({"wf", "--cron", "0 * * * *", "workflow:report", "--input", R"({"day":1})"});
  EXPECT_EQ(body.at("start"),
            parseJson(R"({"actor":"workflow:report","method":"execute","args":[{"day":1}]})"));
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("schedule-input-" + Uuid::random().toString());
  std::ofstream(file) << R"({"day":2})";
  body = created({"wf", "--cron", "0 * * * *", "workflow:report", "--input-file", file.string()});
  std::filesystem::remove(file);
  EXPECT_EQ(body.at("start").at("args"), parseJson(R"([{"day":2}])"));
}

TEST_F(ScheduleCommand, badOptionsAreUsageErrorsThatSayWhatToType) {
  struct Case {
    std::vector<std::string> args;
    std::string said;
  };
  const std::vector<Case> cases = {
      {{"x", "--cron", "0 2 * * *", "--overlap", "queue", "A#1", "m"},
       "--overlap takes skip (no new process while the last one runs), buffer-one"},
      {{"x", "--cron", "0 2 * * *", "--catchup", "soon", "A#1", "m"},
       "--catchup takes a duration such as 90s, 30m, 1h or 1h 30m (at most 366d), not \"soon\""},
      {{"x", "--cron", "0 2 * * *", "--jitter", "2d", "A#1", "m"}, "--jitter takes a duration"},
      {{"x", "--cron", "0 2 * * *", "A#1"},
       "METHOD is required: the execute method of A#1, e.g. pledge schedule create ID --cron "
       "'0 2 * * *' A#1 start"},
      {{"x", "--cron", "0 2 * * *", "A#1", "m", "{"}, "ARGS_JSON is not JSON"},
      {{"x", "--cron", "0 2 * * *", "A#1", "m", "--input", "{}"},
       "--input and --input-file give a workflow's input"},
  };
  for (const Case& each : cases) {
    Outcome outcome;
    EXPECT_TRUE(created(each.args, &outcome).is_null()) << "sent nothing: " << outcome.out;
    EXPECT_EQ(outcome.status, kExitUsage) << outcome.err;
    EXPECT_NE(outcome.err.find(each.said), std::string::npos) << outcome.err;
  }
  Outcome noCron = runPledge(server_.url(), {"schedule", "create", "x", "A#1", "m"});
  EXPECT_EQ(noCron.status, kExitUsage);
  EXPECT_NE(noCron.err.find("--cron is required"), std::string::npos) << noCron.err;
}

TEST_F(ScheduleCommand, refusalsSayWhatToDo) {
  server_.answer("/api/v1/schedules",
                 errorObjectText(ErrorCode::Conflict, "schedule \"nightly\" exists with another "
                                                      "definition"),
                 409);
  Outcome outcome;
  created({"nightly", "--cron", "0 3 * * *", "A#1", "m"}, &outcome);
  EXPECT_EQ(outcome.status, kExitRefused);
  EXPECT_NE(outcome.err.find("(pledge schedule replace nightly ... changes its definition"),
            std::string::npos)
      << outcome.err;

  server_.answer("/api/v1/schedules/gone/pause",
                 errorObjectText(ErrorCode::NotFound, "no schedule \"gone\""), 404);
  Outcome missing = runPledge(server_.url(), {"schedule", "pause", "gone"});
  EXPECT_EQ(missing.status, kExitRefused);
  EXPECT_NE(missing.err.find("no schedule \"gone\" (pledge schedule list shows the schedules"),
            std::string::npos)
      << missing.err;

  server_.answer("/api/v1/schedules/nightly/trigger",
                 errorObjectText(ErrorCode::Forbidden, "a viewer may not trigger schedules"), 403);
  Outcome refused = runPledge(server_.url(), {"schedule", "trigger", "nightly"});
  EXPECT_EQ(refused.status, kExitRefused);
  EXPECT_NE(refused.err.find("takes an operator or admin token"), std::string::npos)
      << refused.err;
}

TEST_F(ScheduleCommand, replaceGoesToTheSchedulesPathAndHelpListsEverySubcommand) {
  Schedule answer{.id = "nightly", .cron = "0 3 * * *", .start = kStart};
  server_.answer("/api/v1/schedules/nightly", Json(answer).dump());
  Outcome replaced = runPledge(server_.url(), {"schedule", "replace", "nightly", "--cron",
                                               "0 3 * * *", "A#1", "m", "[1]"});
  EXPECT_EQ(replaced.status, kExitOk) << replaced.err;
  const std::vector<std::string> bodies = server_.bodies("/api/v1/schedules/nightly");
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(parseJson(bodies[0]).at("cron"), "0 3 * * *");

  Outcome help = runPledge(server_.url(), {"schedule", "--help"});
  EXPECT_EQ(help.status, kExitOk);
  for (const char* command :
       {"create", "replace", "list", "show", "pause", "resume", "trigger", "delete"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command << "\n" << help.out;
  }
  Outcome createHelp = runPledge(server_.url(), {"schedule", "create", "--help"});
  for (const char* option : {"--cron", "--tz", "--overlap", "--catchup", "--jitter", "--note",
                             "--paused", "--input", "--input-file", "--task-list"}) {
    EXPECT_NE(createHelp.out.find(option), std::string::npos) << option << "\n" << createHelp.out;
  }
}

}  // namespace
}  // namespace pledge::cli
