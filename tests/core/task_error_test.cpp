#include "pledge/task_error.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(TaskError, roundTripsAndWritesRetryableOnlyWhenFalse) {
  TaskError retryable("SmtpDown", "connection refused");
  EXPECT_EQ(Json(retryable), parseJson(R"({"type":"SmtpDown","message":"connection refused"})"));
  TaskError final("AccountClosed", "closed", false);
  Json wire = final;
  EXPECT_EQ(wire["retryable"], false);
  EXPECT_EQ(wire.get<TaskError>(), final);
  EXPECT_EQ(Json(retryable).get<TaskError>(), retryable);
}

TEST(TaskError, isThrowableWithItsMessage) {
  try {
    throw TaskError("Bad", "went wrong");
  } catch (const std::exception& error) {
    EXPECT_STREQ(error.what(), "went wrong");
  }
}

TEST(TaskError, malformedJsonNamesTheField) {
  try {
    parseJson(R"({"type": 5})").get<TaskError>();
    FAIL();
  } catch (const JsonError& error) {
    EXPECT_EQ(error.message(), "type: expected a string, got 5");
  }
  EXPECT_THROW(parseJson(R"({"type": ""})").get<TaskError>(), JsonError);
  EXPECT_THROW(parseJson(R"({"type": "A", "extra": 1})").get<TaskError>(), JsonError);
}

}  // namespace
}  // namespace pledge
