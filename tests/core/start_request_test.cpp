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
            "startTime: must be epoch milliseconds from 0 to 253402300799999 (the end of year "
            "9999), got -4");
  EXPECT_EQ(messageOf(R"({"actor":"D#1","method":"s","deadlineMs":0})"),
            "deadlineMs: must be 1 to 2592000000 (30 days), got 0");
  EXPECT_EQ(messageOf(R"({"actor":"D#1","method":"s","scheduleToStartMs":"1h"})"),
            "scheduleToStartMs: expected an integer, got the string \"1h\"");
  EXPECT_EQ(messageOf(R"({"actor":"D#1","method":"s","customId":""})"),
            "customId: must not be empty");
  EXPECT_EQ(messageOf(("{\"actor\":\"D#1\",\"method\":\"s\",\"customId\":\"" +
                       std::string(513, 'c') + "\"}")
                          .c_str()),
            "customId: must be at most 512 bytes long, got 513 bytes");
  EXPECT_EQ(messageOf(R"({"actor":"D#1","method":"s","requestId":"a\nb"})"),
            "requestId: must not contain control characters (byte 1 is 0x0A): \"a\\x0Ab\"");
  EXPECT_EQ(messageOf(R"({"actor":"D\u0000#1","method":"s"})"),
            "actor: must not contain control characters (byte 1 is 0x00): \"D\\x00#1\"");
}

TEST(StartedProcess, roundTrips) {
  StartedProcess started{.processId = Uuid::random(), .taskId = Uuid::random(), .existing = true};
  EXPECT_EQ(Json(started).get<StartedProcess>(), started);
}

}  // namespace
}  // namespace pledge
