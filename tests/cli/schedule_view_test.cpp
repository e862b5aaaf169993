#include "pledge/cli/schedule_view.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

namespace pledge::cli {
namespace {

// 2026-12-04 23:00:00 UTC: the tests' now (local times are UTC here: SetUp sets TZ).
constexpr std::int64_t kNow = 1'796'425'200'000;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

class ScheduleView : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

// The line of text that holds needle ("" when none).
std::string lineWith(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  const std::size_t begin = text.rfind('\n', at) + 1;  // npos + 1 == 0: the first line
  return text.substr(begin, text.find('\n', at) - begin);
}

Schedule nightly() {
  Schedule schedule{.id = "nightly-report",
                    .cron = "0 2 * * *",
                    .timeZone = "Europe/Berlin",
                    .start = {{"actor", "Report#1.0"}, {"method", "start"}, {"args", {"daily"}}},
                    .overlap = OverlapPolicy::BufferOne};
  schedule.nextFireAt = kNow + 3 * kHour + 2 * kMinute;
  return schedule;
}

TEST_F(ScheduleView, firesAreLocalTimesAndHowFarAway) {
  EXPECT_EQ(fireDistance(kNow + 3 * kHour + 2 * kMinute + 17'250, kNow), "in 3h 2m");
  EXPECT_EQ(fireDistance(kNow + 42'500, kNow), "in 42s");
  EXPECT_EQ(fireDistance(kNow - 26 * kHour, kNow), "1d 2h ago");
  EXPECT_EQ(fireDistance(kNow + 300, kNow), "just now");
  EXPECT_EQ(fireWhen(kNow + 3 * kHour + 2 * kMinute, kNow), "2026-12-05 02:02:00 (in 3h 2m)");
  EXPECT_EQ(fireWhen(std::nullopt, kNow), "-");
}

TEST_F(ScheduleView, theListIsOneRowASchedule) {
  Schedule paused = nightly();
  paused.id = "hourly";
  paused.cron = "@hourly";
  paused.timeZone = "UTC";
  paused.paused = true;
  paused.nextFireAt.reset();
  paused.overlap = OverlapPolicy::Skip;
  paused.lastFireAt = kNow - 2 * kHour;
  const std::string text = renderScheduleList({nightly(), paused}, {.now = kNow});
  EXPECT_EQ(text,
            "ID              CRON       ZONE           NEXT FIRE                       "
            "LAST FIRE                     STATE   OVERLAP\n"
            "nightly-report  0 2 * * *  Europe/Berlin  2026-12-05 02:02:00 (in 3h 2m)  "
            "-                             active  buffer-one\n"
            "hourly          @hourly    UTC            - (paused)                      "
            "2026-12-04 21:00:00 (2h ago)  paused  skip\n");
}

TEST_F(ScheduleView, oneScheduleShowsItsDefinitionNextFiresAndLastFiresWithTheirStates) {
  Schedule schedule = nightly();
  schedule.catchupWindowMs = kHour;
  schedule.jitterMs = 30'000;
  schedule.note = "the daily report";
  schedule.upcoming = std::vector<std::int64_t>{kNow + 3 * kHour, kNow + 27 * kHour};
  const Uuid done = Uuid::random();
  const Uuid running = Uuid::random();
  schedule.recent = std::vector<ScheduleFire>{{.fireAt = kNow - kHour, .processId = running},
                                              {.fireAt = kNow - 2 * kHour, .skipped = true},
                                              {.fireAt = kNow - 25 * kHour, .processId = done}};
  const std::string text = renderSchedule(
      schedule, {{done.toString(), "completed"}, {running.toString(), "running"}}, {.now = kNow});
  EXPECT_NE(text.find("schedule nightly-report  active\n"), std::string::npos) << text;
  EXPECT_NE(text.find("rule     0 2 * * *  (Europe/Berlin)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("starts   Report#1.0.start [\"daily\"]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("overlap  buffer-one  catch-up 1h  jitter 30s\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("note     the daily report\n"), std::string::npos) << text;
  EXPECT_NE(text.find("next fires\n  2026-12-05 02:00:00 (in 3h)\n  2026-12-06 02:00:00 (in 1d "
                      "3h)\n"),
            std::string::npos)
      << text;
  const std::string runningLine = lineWith(text, running.toString());
  EXPECT_TRUE(runningLine.starts_with("  2026-12-04 22:00:00 (1h ago)  ")) << runningLine;
  EXPECT_TRUE(runningLine.ends_with(running.toString() + "  running")) << runningLine;
  const std::string skippedLine = lineWith(text, "skipped");
  EXPECT_TRUE(skippedLine.starts_with("  2026-12-04 21:00:00 (2h ago)  ")) << skippedLine;
  EXPECT_NE(skippedLine.find(" -  "), std::string::npos) << skippedLine;
  EXPECT_TRUE(lineWith(text, done.toString()).starts_with("  2026-12-03 22:00:00 (1d 1h ago)  "))
      << text;
  EXPECT_TRUE(lineWith(text, done.toString()).ends_with("completed")) << text;
}

TEST_F(ScheduleView, aPausedScheduleSaysHowToResumeAndAWorkflowShowsItsInput) {
  Schedule schedule = nightly();
  schedule.paused = true;
  schedule.start = {{"actor", "workflow:report"}, {"method", "execute"},
                    {"args", {{{"day", "today"}}}}, {"taskList", "batch"}};
  schedule.upcoming = std::vector<std::int64_t>{kNow + kHour};
  const std::string text = renderSchedule(schedule, {}, {.now = kNow});
  EXPECT_NE(text.find("schedule nightly-report  paused\n"), std::string::npos) << text;
  EXPECT_NE(text.find("starts   workflow:report.execute --input {\"day\":\"today\"} --task-list "
                      "batch\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("none while paused: pledge schedule resume nightly-report"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("last fires\n  none yet\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace pledge::cli
