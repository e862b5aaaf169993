#include "pledge/json.h"
#include "pledge/text.h"

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

std::string errorOfParse(const std::string& text) {
  try {
    parseJson(text);
  } catch (const JsonError& error) {
    return error.message();
  }
  return "no error";
}

TEST(Json, documentsNestedDeeperThanTheLimitAreRefusedBeforeParsing) {
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  EXPECT_EQ(errorOfParse(deep), "JSON nested deeper than the limit of 128 levels (at byte 128)");
  EXPECT_EQ(errorOfParse(std::string(129, '{')),
            "JSON nested deeper than the limit of 128 levels (at byte 128)");
  EXPECT_EQ(errorOfParse(std::string(128, '[') + std::string(128, ']')), "no error");
  // Brackets inside strings (escaped quotes included) do not nest.
  EXPECT_EQ(errorOfParse("[\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"]"),
            "no error");
  EXPECT_EQ(findExcessNesting("[[[", 2), 2u);
  EXPECT_EQ(findExcessNesting("[[]][[]]", 2), std::nullopt);
}

TEST(Json, messagesAboutBrokenUtf8AreValidUtf8) {
  for (const std::string text :
       {"{\"a\": \"\xFF\"}", "[\"\xC3\"]", "\xFE\xFF", "{\"\xE2\x82\": 1}"}) {
    const std::string message = errorOfParse(text);
    EXPECT_NE(message, "no error") << text;
    EXPECT_TRUE(isValidUtf8(message)) << message;
  }
}

TEST(Json, dumpsAndErrorObjectsNeverThrowOnBrokenUtf8) {
  EXPECT_EQ(dumpJson(Json(std::string("a\xFF"))), "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(errorObjectText(ErrorCode::NotFound, "no process \xFF"),
            "{\"error\":{\"code\":\"not_found\",\"message\":\"no process \xEF\xBF\xBD\"}}");
  EXPECT_EQ(errorObject(ErrorCode::LimitExceeded, "full")["error"]["code"], "limit_exceeded");
  EXPECT_EQ(errorObjectText(Error(ErrorCode::Conflict, "stale \xFF")),
            errorObjectText(ErrorCode::Conflict, "stale \xFF"));
  EXPECT_EQ(errorObject(Error(ErrorCode::Conflict, "stale")),
            errorObject(ErrorCode::Conflict, "stale"));
}

TEST(Json, describedStringsAreCutAtACharacterBoundary) {
  // 39 ASCII bytes, then a 3-byte character across byte 40.
  const std::string text = std::string(39, 'a') + "\xE2\x82\xAC" + "tail";
  const std::string described = describeJson(Json(text));
  EXPECT_TRUE(isValidUtf8(described));
  EXPECT_EQ(described, "the string \"" + std::string(39, 'a') + "...\"");
}

}  // namespace
}  // namespace pledge

namespace pledge {
namespace {

TEST(Json, errorObjectsReadBackAsTheErrorsTheyWrite) {
  for (ErrorCode code : allErrorCodes()) {
    const Error written(code, "név: \"quoted\"");
    const Json object = parseJson(errorObjectText(written));
    const Error read = errorFromObject(object.at("error"));
    EXPECT_EQ(read.code(), code);
    EXPECT_EQ(read.message(), written.message());
    EXPECT_EQ(errorObject(read), object);
  }
  EXPECT_EQ(errorFromObject(Json::array(), "fallback").code(), ErrorCode::Internal);
  EXPECT_EQ(errorFromObject(Json::object(), "fallback").message(), "fallback");
  EXPECT_EQ(errorFromObject(Json{{"code", 7}}).code(), ErrorCode::Internal);
}

}  // namespace
}  // namespace pledge
