// MemoryBook, the engine's book of its memory budget: what a process is expected to grow to
// (learned from the ones that ended), how many fit beside what the live ones are charged, and
// the rule that counts a dormant process as waiting for memory both when it leaves memory and
// when it is loaded back.
#include "pledge/server/engine/memory_book.h"

#include <gtest/gtest.h>

namespace pledge::server {
namespace {

constexpr std::int64_t kBudget = 100'000;

TEST(MemoryBook, aProcessIsExpectedToGrowToADozenTasksUntilSomeEnded) {
  MemoryBook book(kBudget, 4);
  EXPECT_EQ(book.expectedBytes(), MemoryBook::kFirstExpectedBytes);
  EXPECT_EQ(MemoryBook::kFirstExpectedBytes, kProcessMemoryBytes + 12 * kTaskMemoryBytes);
}

TEST(MemoryBook, theExpectedSizeIsTheMeanOfTheFirstEndedThenARunningAverage) {
  MemoryBook book(kBudget, 4);
  book.ended(20'000);
  EXPECT_EQ(book.expectedBytes(), 20'000);
  book.ended(10'000);
  EXPECT_EQ(book.expectedBytes(), 15'000);
  for (int i = 0; i < 1'000; ++i) book.ended(4'000);
  // The first ones weigh nothing any more (within what integer steps leave).
  EXPECT_NEAR(book.expectedBytes(), 4'000, MemoryBook::kAveragedEnds);
}

TEST(MemoryBook, aProcessIsAdmittedWhenItsExpectedSizeFitsOrNothingIsLive) {
  MemoryBook book(kBudget, 4);
  book.ended(10'000);
  EXPECT_TRUE(book.admits(90'000, 9));
  EXPECT_FALSE(book.admits(90'001, 9));
  EXPECT_TRUE(book.admits(0, 0));
  MemoryBook tiny(1, 4);
  EXPECT_TRUE(tiny.admits(0, 0));
  EXPECT_FALSE(tiny.admits(2'200, 1));
  EXPECT_TRUE(MemoryBook(0, 4).admits(1'000'000'000, 100'000)) << "no budget";
}

TEST(MemoryBook, asManyFitAsTheirExpectedSizeLeavesRoomForAndOneWhenNothingIsLive) {
  MemoryBook book(kBudget, 4);
  book.ended(10'000);
  EXPECT_EQ(book.howManyFit(35'000, 3, 1'000), 6);
  EXPECT_EQ(book.howManyFit(35'000, 3, 4), 4);
  EXPECT_EQ(book.howManyFit(120'000, 12, 1'000), 0);
  EXPECT_EQ(MemoryBook(1, 4).howManyFit(0, 0, 1'000), 1);
  EXPECT_EQ(MemoryBook(0, 4).howManyFit(1'000'000, 10, 1'000), 1'000);
}

TEST(MemoryBook, aProcessStartedOverTheBudgetWaitsFromLeavingToLoading) {
  MemoryBook book(kBudget, 4);
  book.left(2, /*wakeAt=*/5'000, /*startedAt=*/5'000);
  EXPECT_EQ(book.dormant(), 1);
  EXPECT_EQ(book.waiting(), 1);
  book.loaded(2, 5'000, 5'000);
  EXPECT_EQ(book.dormant(), 0);
  EXPECT_EQ(book.waiting(), 0);
}

TEST(MemoryBook, aProcessDormantUntilLaterNeverCountsAsWaitingEvenWhenLoadedLate) {
  MemoryBook book(kBudget, 4);
  book.recount(PartitionSet::all(), 0, 0, /*at=*/1'000);
  book.left(1, /*wakeAt=*/70'000, /*startedAt=*/2'000);
  EXPECT_EQ(book.waiting(), 0);
  book.left(1, 3'000, 3'000);
  // Loaded after its time came (there was no room before): it was not counted waiting, so it
  // takes nothing off the waiting one's count.
  book.loaded(1, 70'000, 2'000);
  EXPECT_EQ(book.dormant(), 1);
  EXPECT_EQ(book.waiting(), 1);
}

TEST(MemoryBook, theDueProcessesOfAPartitionCountedAsWaitingAreTakenOffWhenLoaded) {
  MemoryBook book(kBudget, 4);
  book.recount(PartitionSet::of({0, 1}), /*dormant=*/3, /*due=*/2, /*at=*/10'000);
  EXPECT_EQ(book.dormant(), 3);
  EXPECT_EQ(book.waiting(), 2);
  book.loaded(0, 9'000, 1'000);   // due when counted
  book.loaded(1, 50'000, 1'000);  // not yet
  EXPECT_EQ(book.dormant(), 1);
  EXPECT_EQ(book.waiting(), 1);
  // A partition counted later: its due ones up to then.
  book.recount(PartitionSet::of({3}), 1, 1, 60'000);
  book.loaded(3, 50'000, 1'000);
  EXPECT_EQ(book.dormant(), 1);
  EXPECT_EQ(book.waiting(), 1);
  book.clear();
  EXPECT_EQ(book.dormant(), 0);
  EXPECT_EQ(book.waiting(), 0);
}

}  // namespace
}  // namespace pledge::server
