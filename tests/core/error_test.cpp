#include "pledge/error.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(Error, everyCodeHasAWireNameAndAStatus) {
  for (ErrorCode code : {ErrorCode::BadRequest, ErrorCode::NotFound, ErrorCode::MethodNotAllowed,
                         ErrorCode::Conflict, ErrorCode::PayloadTooLarge, ErrorCode::Unavailable,
                         ErrorCode::Internal}) {
    EXPECT_EQ(errorCodeFromName(errorCodeName(code)), code);
    EXPECT_GE(httpStatus(code), 400);
  }
  EXPECT_EQ(httpStatus(ErrorCode::Conflict), 409);
  // A cancelled task's heartbeat or release: a 409 of its own code, so a runner can tell.
  EXPECT_EQ(httpStatus(ErrorCode::Cancelled), 409);
  EXPECT_EQ(errorCodeFromName("cancelled"), ErrorCode::Cancelled);
  EXPECT_EQ(httpStatus(ErrorCode::PayloadTooLarge), 413);
  EXPECT_EQ(errorCodeName(ErrorCode::NotFound), "not_found");
}

TEST(Error, requireThrowsBadRequestWithTheFormattedMessage) {
  try {
    PLEDGE_REQUIRE(1 + 1 == 3, "limit must be positive, got {}", -2);
    FAIL() << "no throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::BadRequest);
    EXPECT_STREQ(error.what(), "limit must be positive, got -2");
  }
}

TEST(Error, assertNamesTheFileAndCondition) {
  try {
    PLEDGE_ASSERT(false, "broken {}", "invariant");
    FAIL() << "no throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Internal);
    EXPECT_NE(error.message().find("error_test.cpp"), std::string::npos);
    EXPECT_NE(error.message().find("broken invariant"), std::string::npos);
  }
}

}  // namespace
}  // namespace pledge
