#include "pledge/tags.h"

#include <gtest/gtest.h>

#include <string>

#include "pledge/process_info.h"
#include "pledge/start_request.h"

namespace pledge {
namespace {

// The message a JsonError carries, or "no error".
template <typename Read>
std::string messageOf(Read&& read) {
  try {
    read();
  } catch (const JsonError& error) {
    return error.message();
  }
  return "no error";
}

std::string startMessage(const std::string& tags) {
  return messageOf([&] {
    parseJson(R"({"actor":"D#1","method":"s","tags":)" + tags + "}").get<StartRequest>();
  });
}

TEST(Tags, aStartRequestCarriesTagsBesideCustomId) {
  StartRequest request{.actor = "D#1",
                       .method = "start",
                       .options = {.customId = "c-1", .tags = {{"team", "billing"}, {"env", ""}}}};
  Json wire = request;
  EXPECT_EQ(wire["tags"], Json({{"team", "billing"}, {"env", ""}}));
  EXPECT_EQ(wire.get<StartRequest>(), request);
  StartRequest untagged{.actor = "D#1", .method = "start"};
  EXPECT_FALSE(Json(untagged).contains("tags"));
  EXPECT_TRUE(Json(untagged).get<StartRequest>().options.tags.empty());
}

TEST(Tags, everyProcessAnswerHasTagsAndTheyRoundTrip) {
  ProcessInfo process;
  process.processId = Uuid::random();
  process.taskId = Uuid::random();
  process.actor = "D#1";
  process.method = "start";
  Json wire = process;
  EXPECT_EQ(wire["tags"], Json::object());
  process.tags = {{"a.b-c_9", "x y"}};
  EXPECT_EQ(Json(process).get<ProcessInfo>(), process);
}

TEST(Tags, badTagsAreNamedByTheirKey) {
  EXPECT_EQ(startMessage("[]"), "tags: expected an object, got an array");
  EXPECT_EQ(startMessage(R"({"team":7})"), "tags.team: expected a string, got 7");
  EXPECT_EQ(startMessage(R"({"a b":"x"})"),
            "tags.a b: a tag key holds only A-Z a-z 0-9 _ . -, got \"a b\"");
  EXPECT_EQ(startMessage(R"({"":"x"})"), "tags: a tag key must not be empty");
  EXPECT_EQ(startMessage("{\"" + std::string(65, 'k') + "\":\"x\"}"),
            "tags." + std::string(65, 'k') + ": a tag key is at most 64 bytes, got 65");
  EXPECT_EQ(startMessage("{\"v\":\"" + std::string(257, 'v') + "\"}"),
            "tags.v: must be at most 256 bytes long, got 257 bytes");
  ASSERT_TRUE(checkTagValue("a\x01").has_value());
  EXPECT_EQ(startMessage(R"({"v":"a\u0001"})"), "tags.v: " + *checkTagValue("a\x01"));
}

TEST(Tags, atMostTwentyTagsPerProcess) {
  Json twenty = Json::object();
  for (int i = 0; i < 20; ++i) twenty["k" + std::to_string(i)] = "v";
  EXPECT_EQ(readTags(twenty).size(), 20u);
  twenty["k20"] = "v";
  EXPECT_EQ(startMessage(twenty.dump()), "tags: at most 20 tags per process, got 21");
}

TEST(Tags, aFilterIsKeyColonValueAndTheValueMayHoldColons) {
  EXPECT_EQ(parseTagFilter("team:billing"), (TagFilter{"team", "billing"}));
  EXPECT_EQ(parseTagFilter("url:http://x"), (TagFilter{"url", "http://x"}));
  EXPECT_EQ(parseTagFilter("empty:"), (TagFilter{"empty", ""}));
  EXPECT_EQ(parseTagFilter("team=billing", '='), (TagFilter{"team", "billing"}));
  EXPECT_EQ(messageOf([] { parseTagFilter("team"); }), "expected KEY:VALUE, got \"team\"");
  EXPECT_EQ(messageOf([] { parseTagFilter(":x"); }), "a tag key must not be empty");
  EXPECT_EQ(messageOf([] { parseTagFilter("a/b:x"); }),
            "a tag key holds only A-Z a-z 0-9 _ . -, got \"a/b\"");
}

}  // namespace
}  // namespace pledge
