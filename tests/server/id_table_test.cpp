// IdTable against std::unordered_map under random inserts and erases, through growth and
// shrinking, with random ids and with ids lined up to collide in a weaker hash.
#include "pledge/server/id_table.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

namespace pledge::server {

struct Task;

namespace {

Task* fake(std::size_t n) { return reinterpret_cast<Task*>((n + 1) * 64); }

// Runs `operations` random inserts (2 in 3) and erases over the ids make(k) for k below
// `range`, checking every answer and, now and then, every id against the reference.
template <typename MakeId>
void checkAgainstAMap(MakeId make, std::size_t range, int operations) {
  IdTable<Task*> index;
  std::unordered_map<Uuid, Task*> reference;
  std::mt19937_64 random(7);
  for (int op = 0; op < operations; ++op) {
    const std::size_t k = random() % range;
    const Uuid id = make(k);
    if (random() % 3 != 0) {
      const bool added = reference.emplace(id, fake(k)).second;
      ASSERT_EQ(index.insert(id, fake(k)), added) << "op " << op;
    } else {
      ASSERT_EQ(index.erase(id), reference.erase(id) == 1) << "op " << op;
    }
    ASSERT_EQ(index.size(), reference.size());
    if (op % 5'000 == 0) {
      for (std::size_t j = 0; j < range; ++j) {
        auto found = reference.find(make(j));
        ASSERT_EQ(index.find(make(j)), found == reference.end() ? nullptr : found->second);
      }
    }
  }
  // Empty it: every id goes, and the table shrinks back.
  for (const auto& [id, task] : reference) ASSERT_EQ(index.find(id), task);
  for (const auto& [id, task] : reference) ASSERT_TRUE(index.erase(id));
  EXPECT_EQ(index.size(), 0u);
  EXPECT_LE(index.capacity(), 128u);
  for (std::size_t j = 0; j < range; ++j) EXPECT_EQ(index.find(make(j)), nullptr);
}

TEST(IdTable, answersAsAMapDoesForRandomIds) {
  std::vector<Uuid> ids(20'000);
  for (Uuid& id : ids) id = Uuid::random();
  checkAgainstAMap([&](std::size_t k) { return ids[k]; }, ids.size(), 120'000);
}

TEST(IdTable, answersAsAMapDoesForIdsThatDifferInOneHalfOnly) {
  checkAgainstAMap([](std::size_t k) { return Uuid(0x0123456789ABCDEFULL, k << 20); }, 30'000,
                   100'000);
  checkAgainstAMap([](std::size_t k) { return Uuid(k << 12, 0); }, 30'000, 100'000);
}

TEST(IdTable, aSecondInsertOfAnIdChangesNothing) {
  IdTable<Task*> index;
  const Uuid id = Uuid::random();
  EXPECT_TRUE(index.insert(id, fake(1)));
  EXPECT_FALSE(index.insert(id, fake(2)));
  EXPECT_EQ(index.find(id), fake(1));
  EXPECT_TRUE(index.contains(id));
  EXPECT_TRUE(index.erase(id));
  EXPECT_FALSE(index.erase(id));
  EXPECT_FALSE(index.contains(id));
}

TEST(IdTable, countsChangeInPlaceAndTheEmptyValueIsRefused) {
  IdTable<int> counts;
  const Uuid id = Uuid::random();
  EXPECT_EQ(counts.get(id), nullptr);
  EXPECT_EQ(counts.find(id), 0);
  EXPECT_TRUE(counts.insert(id, 1));
  ++*counts.get(id);
  EXPECT_EQ(counts.find(id), 2);
  EXPECT_THROW(counts.insert(Uuid::random(), 0), Error);
  counts.clear();
  EXPECT_EQ(counts.size(), 0u);
  EXPECT_FALSE(counts.contains(id));
}

TEST(IdTable, growsWithWhatItHoldsAndShrinksAfterABurst) {
  IdTable<Task*> index;
  std::vector<Uuid> ids(100'000);
  for (std::size_t k = 0; k < ids.size(); ++k) {
    ids[k] = Uuid::random();
    index.insert(ids[k], fake(k));
  }
  EXPECT_GE(index.capacity() * 3, ids.size() * 4);  // at most 3/4 full
  EXPECT_LE(index.capacity(), ids.size() * 4);
  for (std::size_t k = 1'000; k < ids.size(); ++k) index.erase(ids[k]);
  EXPECT_LE(index.capacity(), 16'384u);
  for (std::size_t k = 0; k < 1'000; ++k) EXPECT_EQ(index.find(ids[k]), fake(k));
}

}  // namespace
}  // namespace pledge::server
