// The delayed decider, unit-tested through the generated recordings: the start time travels as
// an option of the recorded task.
#include <gtest/gtest.h>

#include "delayed_actors.h"
#include "recording.h"

namespace example::delayed {
namespace {

TEST(DelayedDecider, theReminderIsRecordedWithItsStartTime) {
  SchedulerImpl decider;
  auto tasks = pledge::testing::recordDecision(
      Scheduler::kActor, [&] { decider.remindAt("stretch", 1'900'000'000'000); });
  RemindersRecording reminders(tasks);
  ASSERT_EQ(reminders.send().size(), 1u);
  EXPECT_EQ(reminders.send()[0].text.value(), "stretch");
  EXPECT_EQ(reminders.send()[0].task.options.startTime, 1'900'000'000'000);
}

}  // namespace
}  // namespace example::delayed
