#include "pledge/call_options.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(CallOptions, setFieldsWinOverDefaults) {
  CallOptions defaults{.taskList = "slow", .priority = 1, .timeoutMs = 30'000};
  CallOptions call{.startTime = 5, .priority = 9};
  CallOptions merged = call.over(defaults);
  EXPECT_EQ(merged.startTime, 5);
  EXPECT_EQ(merged.taskList, "slow");
  EXPECT_EQ(merged.priority, 9);
  EXPECT_EQ(merged.timeoutMs, 30'000);
  EXPECT_FALSE(merged.retry);
}

TEST(CallOptions, jsonHoldsOnlyWhatIsSet) {
  EXPECT_EQ(Json(CallOptions{}), Json::object());
  CallOptions options{.startTime = 1700000000000, .taskList = "", .priority = -2,
                      .timeoutMs = 1000, .scheduleToStartMs = 30'000,
                      .retry = RetryPolicy{.kind = RetryKind::Fixed}};
  Json wire = options;
  EXPECT_EQ(wire.size(), 6u);
  EXPECT_EQ(wire.get<CallOptions>(), options);
}

TEST(CallOptions, badValuesAreNamed) {
  auto messageOf = [](const char* text) {
    try {
      parseJson(text).get<CallOptions>();
    } catch (const JsonError& error) {
      return error.message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(messageOf(R"({"timeoutMs":0})"), "timeoutMs: must be 1 to 2592000000 (30 days), got 0");
  EXPECT_EQ(messageOf(R"({"scheduleToStartMs":-1})"),
            "scheduleToStartMs: must be 1 to 2592000000 (30 days), got -1");
  EXPECT_EQ(messageOf(R"({"timeoutMs":9223372036854775807})"),
            "timeoutMs: must be 1 to 2592000000 (30 days), got 9223372036854775807");
  EXPECT_EQ(
      messageOf(R"({"startTime":253402300800000})"),
      "startTime: must be epoch milliseconds from 0 to 253402300799999 (the end of year 9999), got "
      "253402300800000");
  EXPECT_EQ(messageOf("{\"taskList\":\"a\\u0001b\"}"),
            "taskList: must not contain control characters (byte 1 is 0x01): \"a\\x01b\"");
  EXPECT_EQ(messageOf(("{\"taskList\":\"" + std::string(257, 'x') + "\"}").c_str()),
            "taskList: must be at most 256 bytes long, got 257 bytes");
  EXPECT_EQ(messageOf(R"({"startTime":"soon"})"),
            "startTime: expected an integer, got the string \"soon\"");
  EXPECT_EQ(messageOf(R"({"priority":3000000000})"),
            "priority: must fit in 32 bits, got 3000000000");
  EXPECT_EQ(messageOf(R"({"retry":{"policy":"x"}})"),
            "retry.policy: expected none, fixed, linear or exponential, got \"x\"");
  EXPECT_EQ(messageOf(R"({"taskList":1})"), "taskList: expected a string, got 1");
}

}  // namespace
}  // namespace pledge
