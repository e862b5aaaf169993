#include "pledge/start_request.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(StartRequest, roundTrips) {
  StartRequest request{.actor = "NotificationDecider#1.0", .method = "start",
                       .args = Json::array({"user-1", "hello"}),
                       .options = {.customId = "c-1", .startTime = 1700000000000, .taskList = "x"}};
  Json wire = request;
  EXPECT_EQ(wire["customId"], "c-1");
  EXPECT_EQ(wire.get<StartRequest>(), request);
  StartRequest minimal{.actor = "D#1", .method = "start"};
  EXPECT_EQ(Json(minimal).get<StartRequest>(), minimal);
}

TEST(StartRequest, badFieldsAreNamed) {
  auto messageOf = [](const char* text) {
    try {
      parseJson(text).get<StartRequest>();
    } catch (const JsonError& error) {
      return error.message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(messageOf(R"({"actor":"D#1","method":"start","args":{}})"),
            "args: expected an array, got an object");
  EXPECT_EQ(messageOf(R"({"actor":"D","method":"start"})"),
            "actor: expected \"Name#version\", got \"D\"");
  EXPECT_EQ(messageOf(R"({"actor":"D#1","method":""})"), "method: must not be empty");
  EXPECT_EQ(messageOf(R"({"actor":"D#1","method":"s","startTime":-4})"),
            "startTime: must be epoch milliseconds, got -4");
  EXPECT_EQ(messageOf(R"({"actor":"D#1","method":"s","customId":""})"),
            "customId: must be 1 to 512 characters long");
}

TEST(StartedProcess, roundTrips) {
  StartedProcess started{.processId = Uuid::random(), .taskId = Uuid::random(), .existing = true};
  EXPECT_EQ(Json(started).get<StartedProcess>(), started);
}

}  // namespace
}  // namespace pledge
