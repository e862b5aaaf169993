#include "pledge/schedule.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

std::string messageOf(const Json& body) {
  try {
    body.get<Schedule>();
  } catch (const JsonError& error) {
    return error.message();
  }
  return "no error";
}

Json minimal() {
  return Json{{"id", "nightly-report"},
              {"cron", "0 2 * * *"},
              {"start", {{"actor", "Report#1.0"}, {"method", "start"}}}};
}

Json with(const char* field, Json value) {
  Json body = minimal();
  body[field] = std::move(value);
  return body;
}

TEST(Schedule, minimalBodyTakesTheDefaults) {
  Schedule schedule = minimal().get<Schedule>();
  EXPECT_EQ(schedule.id, "nightly-report");
  EXPECT_EQ(schedule.timeZone, "UTC");
  EXPECT_EQ(schedule.overlap, OverlapPolicy::Skip);
  EXPECT_EQ(schedule.catchupWindowMs, 0);
  EXPECT_EQ(schedule.jitterMs, 0);
  EXPECT_FALSE(schedule.paused);
  EXPECT_FALSE(schedule.note.has_value());
  EXPECT_FALSE(schedule.upcoming.has_value());
}

TEST(Schedule, roundTripsWithItsFireState) {
  Schedule schedule{.id = "s-1",
                    .cron = "@every 10m",
                    .timeZone = "Europe/Berlin",
                    .start = {{"actor", "workflow:report"}, {"input", {{"day", 3}}}},
                    .overlap = OverlapPolicy::BufferOne,
                    .catchupWindowMs = 60'000,
                    .jitterMs = 500,
                    .paused = true,
                    .note = "nightly",
                    .createdAt = 1'700'000'000'000,
                    .nextFireAt = 1'700'000'600'000,
                    .lastFireAt = 1'700'000'000'000,
                    .lastProcessId = Uuid::random(),
                    .bufferedFireAt = 1'700'000'300'000,
                    .upcoming = std::vector<std::int64_t>{1, 2},
                    .recent = std::vector<ScheduleFire>{{.fireAt = 5, .processId = Uuid::random()},
                                                        {.fireAt = 4, .skipped = true}}};
  Json wire = schedule;
  EXPECT_EQ(wire["overlap"], "bufferOne");
  EXPECT_EQ(wire["recent"][1]["processId"], nullptr);
  EXPECT_EQ(wire.get<Schedule>(), schedule);
  Json bare = Schedule{.id = "a", .cron = "* * * * *", .start = minimal()["start"]};
  EXPECT_EQ(bare["nextFireAt"], nullptr);
  EXPECT_FALSE(bare.contains("upcoming"));
  EXPECT_FALSE(bare.contains("note"));
}

TEST(Schedule, definitionLeavesOutTheFireStateAndPausedIsNotPartOfTheComparison) {
  Schedule a = minimal().get<Schedule>();
  Schedule b = a;
  b.paused = true;
  b.lastFireAt = 12;
  EXPECT_TRUE(sameScheduleDefinition(a, b));
  EXPECT_FALSE(scheduleDefinitionJson(b).contains("lastFireAt"));
  b.jitterMs = 1;
  EXPECT_FALSE(sameScheduleDefinition(a, b));
}

TEST(Schedule, badFieldsAreNamed) {
  EXPECT_EQ(messageOf(with("id", "a b")),
            "id: may hold only A-Z a-z 0-9 _ . - (character 2 is not one): \"a b\"");
  EXPECT_EQ(messageOf(with("id", std::string(101, 'x'))),
            "id: must be 1 to 100 characters, got 101");
  EXPECT_EQ(messageOf(with("id", "")), "id: must be 1 to 100 characters, got 0");
  EXPECT_EQ(messageOf(with("cron", "")), "cron: must not be empty");
  EXPECT_EQ(messageOf(with("cron", 5)), "cron: expected a string, got 5");
  EXPECT_EQ(messageOf(with("timeZone", "")), "timeZone: must not be empty");
  EXPECT_EQ(messageOf(with("overlap", "queue")),
            "overlap: expected \"skip\", \"bufferOne\" or \"allow\", got \"queue\"");
  EXPECT_EQ(messageOf(with("catchupWindowMs", -1)),
            "catchupWindowMs: must be 0 to 31622400000, got -1");
  EXPECT_EQ(messageOf(with("jitterMs", 86'400'001)),
            "jitterMs: must be 0 to 86400000, got 86400001");
  EXPECT_EQ(messageOf(with("paused", "yes")),
            "paused: expected true or false, got the string \"yes\"");
  EXPECT_TRUE(messageOf(with("colour", 1)).starts_with("colour: unknown field"));
  EXPECT_EQ(messageOf(with("start", Json::array())), "start: expected an object, got an array");
  EXPECT_EQ(messageOf(with("start", {{"actor", "Report"}, {"method", "start"}})),
            "start.actor: expected \"Name#version\", got \"Report\"");
  EXPECT_EQ(messageOf(with("start", {{"method", "start"}})), "start.actor: missing required field");
  EXPECT_EQ(messageOf(with("start", {{"actor", "R#1"}, {"method", "s"}, {"customId", "x"}})),
            "start.customId: each fire of a schedule sets it; leave it out");
  EXPECT_EQ(messageOf(with("start", {{"actor", "R#1"}, {"method", "s"}, {"args", 3}})),
            "start.args: expected an array, got 3");
  EXPECT_EQ(
      messageOf(with("start", {{"actor", "workflow:w"}, {"input", 1}, {"args", Json::array()}})),
      "start.input: give the workflow's input or args, not both");
  EXPECT_TRUE(messageOf(with("start", {{"actor", "workflow:w"}, {"tags", 1}}))
                  .starts_with("start.tags: unknown field"));
}

TEST(Schedule, overlapNamesRoundTrip) {
  for (OverlapPolicy policy :
       {OverlapPolicy::Skip, OverlapPolicy::BufferOne, OverlapPolicy::Allow}) {
    EXPECT_EQ(overlapPolicyFromName(overlapPolicyName(policy)), policy);
  }
  EXPECT_FALSE(overlapPolicyFromName("Skip").has_value());
}

TEST(Schedule, customIdsNameTheScheduleAndTheFireTime) {
  EXPECT_EQ(scheduleFireCustomId("nightly-report", 1'796'349'600'000),
            "schedule:nightly-report@2026-12-04T02:00:00Z");
  EXPECT_EQ(scheduleFireCustomId("s", 1'796'349'600'250), "schedule:s@2026-12-04T02:00:00.250Z");
  EXPECT_EQ(formatUtcTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(scheduleTriggerCustomId("s", 1'796'349'600'250), "schedule:s@trigger:1796349600250");
  for (std::int64_t at :
       {std::int64_t{0}, std::int64_t{1'796'349'600'000}, std::int64_t{1'796'349'600'250}}) {
    EXPECT_EQ(fireTimeOfCustomId(scheduleFireCustomId("a.b-c", at)), at);
  }
  for (const char* other :
       {"schedule:s@trigger:1796349600250", "order-17", "schedule:s@2026-02-30T02:00:00Z",
        "schedule:s@2026-12-04T02:00:00", "schedule:s@2026-12-04T02:00:00.5Z"}) {
    EXPECT_FALSE(fireTimeOfCustomId(other).has_value()) << other;
  }
}

}  // namespace
}  // namespace pledge
