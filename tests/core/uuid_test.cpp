#include "pledge/uuid.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace pledge {
namespace {

TEST(Uuid, newIdsAreVersion7DistinctAndOrderedByTime) {
  std::set<Uuid> seen;
  Uuid previous;
  for (int i = 0; i < 10'000; ++i) {
    Uuid id = Uuid::random();
    std::string text = id.toString();
    ASSERT_EQ(text.size(), 36u);
    EXPECT_EQ(text[14], '7') << text;
    EXPECT_TRUE(text[19] == '8' || text[19] == '9' || text[19] == 'a' || text[19] == 'b') << text;
    EXPECT_TRUE(seen.insert(id).second);
    // The first 48 bits are the creation millisecond: never earlier than the previous id's.
    EXPECT_GE(id.high() >> 16, previous.high() >> 16);
    previous = id;
  }
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(previous.high() >> 16), static_cast<double>(now), 5000);
}

TEST(Uuid, idsMadeInTheSameMillisecondStillIncreaseInTheOrderTheyWereMade) {
  // From several threads at once: each id is greater than every id made before it finished.
  std::vector<std::thread> threads;
  std::atomic<bool> ordered{true};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Uuid previous = Uuid::random();
      for (int i = 0; i < 20'000; ++i) {
        const Uuid next = Uuid::random();
        if (!(previous < next) || (next.high() & 0xF000) != 0x7000) ordered = false;
        previous = next;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(ordered);
}

TEST(Uuid, version4IdsAreRandom) {
  std::string text = Uuid::randomV4().toString();
  EXPECT_EQ(text[14], '4') << text;
  EXPECT_NE(Uuid::randomV4(), Uuid::randomV4());
}

TEST(Uuid, textFormRoundTrips) {
  Uuid id = Uuid::random();
  EXPECT_EQ(Uuid::parse(id.toString()), id);
  EXPECT_EQ(Uuid::parse("1B4E28BA-2FA1-41D2-883F-0016D3CCA427")->toString(),
            "1b4e28ba-2fa1-41d2-883f-0016d3cca427");
}

TEST(Uuid, appendToAddsTheTextFormAfterWhatIsThere) {
  for (int i = 0; i < 1'000; ++i) {
    const Uuid id(static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL,
                  ~static_cast<std::uint64_t>(i));
    std::string out = "id=";
    id.appendTo(out);
    ASSERT_EQ(out.size(), 3U + 36U);
    EXPECT_EQ(Uuid::parse(std::string_view(out).substr(3)), id) << out;
  }
  std::string out = "[";
  Uuid::parse("0123abcd-4567-89ef-fedc-ba9876543210")->appendTo(out);
  EXPECT_EQ(out, "[0123abcd-4567-89ef-fedc-ba9876543210");
}

TEST(Uuid, parseRejectsAnythingButTheCanonicalForm) {
  EXPECT_FALSE(Uuid::parse(""));
  EXPECT_FALSE(Uuid::parse("1b4e28ba2fa141d2883f0016d3cca427"));
  EXPECT_FALSE(Uuid::parse("1b4e28ba-2fa1-41d2-883f-0016d3cca42"));
  EXPECT_FALSE(Uuid::parse("1b4e28ba-2fa1-41d2-883f-0016d3cca42g"));
  EXPECT_FALSE(Uuid::parse("1b4e28ba_2fa1-41d2-883f-0016d3cca427"));
  EXPECT_FALSE(Uuid::parse("1b4e28ba-2fa1-41d2-883f-0016d3cca4/7"));
  EXPECT_FALSE(Uuid::parse("1b4e28ba-2fa1-41d2-883f-0016d3cca4\xff" "7"));
  EXPECT_FALSE(Uuid::parse(std::string_view("1b4e28ba-2fa1-41d2-883f-0016d3cca4\0" "7", 36)));
}

TEST(Uuid, defaultIsNilAndHashesByValue) {
  EXPECT_TRUE(Uuid().isNil());
  EXPECT_EQ(Uuid().toString(), "00000000-0000-0000-0000-000000000000");
  Uuid id = Uuid::random();
  EXPECT_EQ(std::hash<Uuid>{}(id), std::hash<Uuid>{}(*Uuid::parse(id.toString())));
}

}  // namespace
}  // namespace pledge
