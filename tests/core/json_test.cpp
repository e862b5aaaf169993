#include "pledge/json.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(Json, malformedTextGivesTheOffset) {
  try {
    parseJson("{\"a\": [1, 2,}");
    FAIL() << "no throw";
  } catch (const JsonError& error) {
    EXPECT_EQ(error.code(), ErrorCode::BadRequest);
    EXPECT_NE(error.message().find("malformed JSON"), std::string::npos) << error.message();
    EXPECT_NE(error.message().find("column 13"), std::string::npos) << error.message();
  }
}

TEST(Json, nestedErrorsNameTheFullPath) {
  Json doc = parseJson(R"({"items": [{"id": 1}, {"id": "x"}]})");
  try {
    atField("items", [&] {
      const Json& items = doc["items"];
      for (std::size_t i = 0; i < items.size(); ++i) {
        atIndex(i, [&] { return readField(items[i], "id", readInt); });
      }
    });
    FAIL() << "no throw";
  } catch (const JsonError& error) {
    EXPECT_EQ(error.path(), "items[1].id");
    EXPECT_EQ(error.message(), "items[1].id: expected an integer, got the string \"x\"");
  }
}

TEST(Json, missingAndUnknownFieldsAreNamed) {
  Json doc = parseJson(R"({"a": 1, "typo": 2})");
  try {
    requireField(doc, "b");
    FAIL();
  } catch (const JsonError& error) {
    EXPECT_EQ(error.message(), "b: missing required field");
  }
  try {
    rejectUnknownFields(doc, {"a", "b"});
    FAIL();
  } catch (const JsonError& error) {
    EXPECT_EQ(error.message(), "typo: unknown field (expected one of: a, b)");
  }
}

TEST(Json, optionalFieldTreatsNullAsAbsent) {
  Json doc = parseJson(R"({"a": null, "b": 2})");
  EXPECT_EQ(optionalField(doc, "a"), nullptr);
  EXPECT_EQ(optionalField(doc, "c"), nullptr);
  EXPECT_EQ(readOptionalField(doc, "b", readInt), 2);
}

TEST(Json, readersAreStrict) {
  EXPECT_THROW(readString(Json(1)), JsonError);
  EXPECT_THROW(readInt(Json(1.5)), JsonError);
  EXPECT_THROW(readInt(Json(18446744073709551615ULL)), JsonError);
  EXPECT_THROW(readBool(Json("true")), JsonError);
  EXPECT_THROW(readUuid(Json("not-a-uuid")), JsonError);
  EXPECT_THROW(readEpochMs(Json(-1)), JsonError);
  EXPECT_THROW(readAs<std::int32_t>(Json(5'000'000'000LL)), JsonError);
  EXPECT_EQ(readAs<std::int32_t>(Json(-7)), -7);
  EXPECT_DOUBLE_EQ(readNumber(Json(3)), 3.0);
}

TEST(Json, readArrayNamesTheBadElement) {
  try {
    readArray<std::string>(parseJson(R"(["a", 2])"));
    FAIL();
  } catch (const JsonError& error) {
    EXPECT_EQ(error.message(), "[1]: expected a string, got 2");
  }
}

TEST(Json, optionalValuesMapToNull) {
  Json some = std::optional<int>(3);
  Json none = std::optional<int>();
  EXPECT_EQ(some, Json(3));
  EXPECT_TRUE(none.is_null());
  EXPECT_EQ(readAs<std::optional<int>>(Json(4)), 4);
  EXPECT_EQ(readAs<std::optional<int>>(Json()), std::nullopt);
}

}  // namespace
}  // namespace pledge
