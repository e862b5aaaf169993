// What RestClient puts on the wire for schedules, against a recording HTTP server on loopback:
// it sends a schedule's definition fields only (never the server's fire state), reads the
// server's answers into Schedule values with their fire state, and turns error objects into
// pledge::Error with the server's code and message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pledge/json_writer.h"
#include "pledge/rest_client.h"
#include "recording_server.h"

namespace pledge {
namespace {

using testing::RecordingServer;

class RestClientSchedules : public ::testing::Test {
 protected:
  RecordingServer server_;
  RestClient client_{{server_.url()}};
};

Schedule nightly() {
  return Schedule{.id = "nightly-report",
                  .cron = "0 2 * * *",
                  .timeZone = "Europe/Berlin",
                  .start = {{"actor", "Report#1.0"}, {"method", "start"}, {"args", {"daily"}}},
                  .overlap = OverlapPolicy::BufferOne,
                  .catchupWindowMs = 3'600'000,
                  .jitterMs = 30'000,
                  .note = "the report"};
}

// The schedule as the server answers it: with its fire state.
Schedule answered(Schedule schedule) {
  schedule.createdAt = 1'796'300'000'000;
  schedule.nextFireAt = 1'796'349'600'000;
  schedule.lastFireAt = 1'796'263'200'000;
  schedule.lastProcessId = Uuid::random();
  return schedule;
}

TEST_F(RestClientSchedules, createAndReplaceSendTheDefinitionAndReadTheFireState) {
  Schedule sent = answered(nightly());
  const Schedule answer = answered(nightly());
  server_.answer("/api/v1/schedules", Json(answer).dump(), 201);
  EXPECT_EQ(client_.createSchedule(sent), answer);
  const std::vector<std::string> created = server_.bodies("/api/v1/schedules");
  ASSERT_EQ(created.size(), 1u);
  const Json body = parseJson(created[0]);
  EXPECT_EQ(body, scheduleDefinitionJson(nightly()));
  EXPECT_FALSE(body.contains("nextFireAt")) << body.dump();
  EXPECT_EQ(body.at("overlap"), "bufferOne");
  EXPECT_EQ(body.at("catchupWindowMs"), 3'600'000);

  sent.cron = "0 3 * * *";
  Schedule replaced = answer;
  replaced.cron = "0 3 * * *";
  server_.answer("/api/v1/schedules/nightly-report", Json(replaced).dump());
  EXPECT_EQ(client_.replaceSchedule(sent), replaced);
  const std::vector<std::string> put = server_.bodies("/api/v1/schedules/nightly-report");
  ASSERT_EQ(put.size(), 1u);
  EXPECT_EQ(parseJson(put[0]).at("cron"), "0 3 * * *");
}

TEST_F(RestClientSchedules, listOneAndItsFiresAreRead) {
  Schedule one = answered(nightly());
  Schedule other = nightly();
  other.id = "weekly.report";
  other.paused = true;
  server_.answer("/api/v1/schedules", Json{{"items", {one, other}}}.dump());
  const std::vector<Schedule> listed = client_.schedules();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0], one);
  EXPECT_TRUE(listed[1].paused);
  EXPECT_EQ(listed[1].nextFireAt, std::nullopt);

  one.upcoming = std::vector<std::int64_t>{1'796'349'600'000, 1'796'436'000'000};
  one.recent =
      std::vector<ScheduleFire>{{.fireAt = 1'796'263'200'000, .processId = *one.lastProcessId},
                                {.fireAt = 1'796'176'800'000, .skipped = true}};
  server_.answer("/api/v1/schedules/nightly-report", Json(one).dump());
  const Schedule read = client_.schedule("nightly-report");
  EXPECT_EQ(read, one);
  ASSERT_TRUE(read.recent.has_value());
  EXPECT_TRUE((*read.recent)[1].skipped);
  EXPECT_EQ(server_.bodies("/api/v1/schedules/nightly-report").size(), 1u);
}

TEST_F(RestClientSchedules, pauseResumeTriggerAndDeleteGoToTheirPaths) {
  Schedule paused = answered(nightly());
  paused.paused = true;
  paused.nextFireAt.reset();
  server_.answer("/api/v1/schedules/nightly-report/pause", Json(paused).dump());
  EXPECT_EQ(client_.pauseSchedule("nightly-report"), paused);
  server_.answer("/api/v1/schedules/nightly-report/resume", Json(answered(nightly())).dump());
  EXPECT_FALSE(client_.resumeSchedule("nightly-report").paused);

  const ScheduleTrigger trigger{.processId = Uuid::random(),
                                .taskId = Uuid::random(),
                                .customId = "schedule:nightly-report@trigger:1796349600000"};
  server_.answer("/api/v1/schedules/nightly-report/trigger", Json(trigger).dump());
  EXPECT_EQ(client_.triggerSchedule("nightly-report"), trigger);

  server_.answer("/api/v1/schedules/nightly-report", "", 204);
  client_.deleteSchedule("nightly-report");
  EXPECT_EQ(server_.bodies("/api/v1/schedules/nightly-report").size(), 1u);
}

TEST_F(RestClientSchedules, refusalsAreErrorsWithTheServersCodeAndMessage) {
  server_.answer(
      "/api/v1/schedules",
      errorObjectText(ErrorCode::BadRequest, "cron: cron field 2 (hour): 25 is out of range 0-23"),
      400);
  try {
    client_.createSchedule(nightly());
    FAIL() << "a 400 is an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::BadRequest);
    EXPECT_EQ(error.message(), "cron: cron field 2 (hour): 25 is out of range 0-23");
  }
  server_.answer("/api/v1/schedules/gone/trigger",
                 errorObjectText(ErrorCode::NotFound, "no schedule \"gone\""), 404);
  try {
    client_.triggerSchedule("gone");
    FAIL() << "a 404 is an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::NotFound);
  }
}

}  // namespace
}  // namespace pledge
