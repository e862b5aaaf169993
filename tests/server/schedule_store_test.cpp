// The schedules of the Store contract, for each store: a row is created once, every update is a
// compare and set on its revision, rows survive reopening.
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace pledge::server {
namespace {

class ScheduleStore : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Store> open() { return place_.open(); }

 private:
  StorePlace place_{GetParam()};
};

INSTANTIATE_TEST_SUITE_P(Stores, ScheduleStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

ScheduleRow row(const std::string& id) {
  return ScheduleRow{
      .id = id, .definition = R"({"id":")" + id + R"("})", .createdAt = 5, .nextFireAt = 1'000};
}

TEST_P(ScheduleStore, createsOnceAndAnswersTheStoredRowAfter) {
  std::unique_ptr<Store> store = open();
  EXPECT_FALSE(store->insertSchedule(row("b")).has_value());
  EXPECT_FALSE(store->insertSchedule(row("a")).has_value());
  ScheduleRow other = row("a");
  other.definition = "{}";
  std::optional<ScheduleRow> existing = store->insertSchedule(other);
  ASSERT_TRUE(existing.has_value());
  ScheduleRow expected = row("a");
  expected.revision = 1;
  EXPECT_EQ(*existing, expected);
  std::vector<ScheduleRow> listed = store->listSchedules();
  ASSERT_EQ(listed.size(), 2U);
  EXPECT_EQ(listed[0].id, "a");
  EXPECT_EQ(listed[1].id, "b");
  EXPECT_FALSE(store->findSchedule("c").has_value());
}

TEST_P(ScheduleStore, anUpdateAppliesOnlyToTheRevisionItReadAndSurvivesReopening) {
  const Uuid process = Uuid::random();
  {
    std::unique_ptr<Store> store = open();
    store->insertSchedule(row("s"));
    ScheduleRow read = *store->findSchedule("s");
    ScheduleRow fired = read;
    fired.nextFireAt = 2'000;
    fired.lastFireAt = 1'000;
    fired.lastProcessId = process;
    fired.bufferedFireAt = 1'500;
    fired.paused = true;
    fired.recent = R"([{"fireAt":1000}])";
    EXPECT_TRUE(store->updateSchedule(fired));
    ScheduleRow stale = read;
    stale.nextFireAt = 9'000;
    EXPECT_FALSE(store->updateSchedule(stale));  // written since it was read
    EXPECT_FALSE(store->updateSchedule(row("none")));
  }
  std::unique_ptr<Store> store = open();
  ScheduleRow stored = *store->findSchedule("s");
  EXPECT_EQ(stored.revision, 2);
  EXPECT_EQ(stored.nextFireAt, 2'000);
  EXPECT_EQ(stored.lastFireAt, 1'000);
  EXPECT_EQ(stored.lastProcessId, process);
  EXPECT_EQ(stored.bufferedFireAt, 1'500);
  EXPECT_TRUE(stored.paused);
  EXPECT_EQ(stored.recent, R"([{"fireAt":1000}])");
  stored.nextFireAt.reset();
  stored.bufferedFireAt.reset();
  stored.lastProcessId.reset();
  EXPECT_TRUE(store->updateSchedule(stored));
  ScheduleRow cleared = *store->findSchedule("s");
  EXPECT_FALSE(cleared.nextFireAt.has_value());
  EXPECT_FALSE(cleared.bufferedFireAt.has_value());
  EXPECT_FALSE(cleared.lastProcessId.has_value());
  EXPECT_TRUE(store->deleteSchedule("s"));
  EXPECT_FALSE(store->deleteSchedule("s"));
  EXPECT_FALSE(store->findSchedule("s").has_value());
}

}  // namespace
}  // namespace pledge::server
