// PollRequest and QueueSelector: every codec writes the same bytes (Json dump, the fast writer),
// reads back what it wrote, and refuses bad polls with the messages the server has always given.
#include "pledge/poll_request.h"

#include <gtest/gtest.h>

#include <string>

#include "pledge/json_writer.h"
#include "pledge/limits.h"

namespace pledge {
namespace {

PollRequest fullPoll() {
  return PollRequest{.worker = "host-1:4242",
                     .queues = {{"MailService#1.0", ""}, {"Fan#2", "slow \"lane\""}},
                     .max = 16,
                     .waitMs = 5'000};
}

// The message of the JsonError decoding text throws; fails the test when it throws none.
std::string refusal(const std::string& text) {
  try {
    parseJson(text).get<PollRequest>();
  } catch (const JsonError& error) {
    return error.what();
  }
  ADD_FAILURE() << "accepted " << text;
  return "";
}

TEST(PollRequest, everyWriterWritesTheSameBytes) {
  for (const PollRequest& poll :
       {fullPoll(), PollRequest{.queues = {{"A#1", ""}}}, PollRequest{.worker = "grüße 🙂"}}) {
    EXPECT_EQ(toJsonText(poll), Json(poll).dump());
  }
  EXPECT_EQ(toJsonText(QueueSelector{"A#1", "t"}), Json(QueueSelector{"A#1", "t"}).dump());
}

TEST(PollRequest, wireFormKeepsTheFieldNamesAndOrderOfTheApi) {
  EXPECT_EQ(toJsonText(PollRequest{.worker = "w", .queues = {{"A#1", ""}}, .max = 2, .waitMs = 3}),
            R"({"actors":[{"actor":"A#1","taskList":""}],"max":2,"waitMs":3,"worker":"w"})");
}

TEST(PollRequest, readsBackWhatItWrites) {
  EXPECT_EQ(parseJson(toJsonText(fullPoll())).get<PollRequest>(), fullPoll());
}

TEST(PollRequest, leavesOutWhatHasADefault) {
  EXPECT_EQ(parseJson(R"({"actors":[{"actor":"A#1"}]})").get<PollRequest>(),
            (PollRequest{.queues = {{"A#1", ""}}, .max = 1, .waitMs = 0}));
}

TEST(PollRequest, refusesBadPollsNamingTheField) {
  EXPECT_EQ(refusal(R"({"actorz":1})"),
            "actorz: unknown field (expected one of: worker, actors, max, waitMs)");
  EXPECT_EQ(refusal(R"({"worker":"w"})"), "actors: missing required field");
  EXPECT_EQ(refusal(R"({"actors":[{"actor":"W"}]})"),
            R"(actors[0].actor: expected "Name#version", got "W")");
  EXPECT_EQ(refusal(R"({"actors":[{"actor":"W#1","list":""}]})"),
            "actors[0].list: unknown field (expected one of: actor, taskList)");
  EXPECT_EQ(refusal(R"({"actors":[{"actor":"W#1"}],"max":"ten"})"),
            "max: expected an integer, got the string \"ten\"");
  EXPECT_EQ(refusal(R"({"actors":[{"actor":"W#1"}],"max":0})"), "max: must be 1 to 1000, got 0");
  EXPECT_EQ(refusal(R"({"actors":[{"actor":"W#1"}],"max":4294967297})"),
            "max: must be 1 to 1000, got 4294967297");
  EXPECT_EQ(refusal(R"({"actors":[{"actor":"W#1"}],"waitMs":"soon"})"),
            "waitMs: expected an integer, got the string \"soon\"");
  EXPECT_NE(refusal(R"({"worker":"w\u0007","actors":[{"actor":"W#1"}]})")
                .find("worker: must not contain control characters"),
            std::string::npos);
  EXPECT_EQ(refusal(R"({"actors":[{"actor":"W#1","taskList":"a\tb"}]})")
                .rfind("actors[0].taskList: ", 0),
            0u);
}

TEST(PollRequest, refusesMoreQueuesThanTheLimit) {
  Json actors = Json::array();
  for (std::size_t i = 0; i <= limits::kMaxQueuesPerPoll; ++i) {
    actors.push_back({{"actor", "W#" + std::to_string(i)}});
  }
  EXPECT_EQ(refusal(Json{{"actors", actors}}.dump()),
            "actors: at most 100 items are allowed, got 101");
}

}  // namespace
}  // namespace pledge
