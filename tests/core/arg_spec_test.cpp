#include "pledge/arg_spec.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(ArgSpec, eachFormHasItsWireShape) {
  Uuid a = Uuid::random();
  EXPECT_EQ(Json(ArgSpec::ofValue(42)), parseJson(R"({"value":42})"));
  EXPECT_EQ(Json(ArgSpec::ofValue(nullptr)), parseJson(R"({"value":null})"));
  EXPECT_EQ(Json(ArgSpec::ofPromise(a)), Json({{"promise", a.toString()}}));
  EXPECT_EQ(Json(ArgSpec::ofPromise(a, {.noWait = true, .acceptFail = AcceptFail::any()})),
            Json({{"promise", a.toString()}, {"noWait", true}, {"acceptFail", true}}));
  EXPECT_EQ(Json(ArgSpec::ofPromise(a, {.acceptFail = AcceptFail::ofTypes({"X", "Y"})})),
            Json({{"promise", a.toString()}, {"acceptFail", {"X", "Y"}}}));
  EXPECT_EQ(Json(ArgSpec::ofList({ArgSpec::ofValue(1), ArgSpec::ofPromise(a)})),
            Json({{"list", {{{"value", 1}}, {{"promise", a.toString()}}}}}));
}

TEST(ArgSpec, roundTripsEveryForm) {
  Uuid a = Uuid::random();
  std::vector<ArgSpec> specs = {
      ArgSpec::ofValue(Json{{"nested", {1, 2}}}),
      ArgSpec::ofValue(nullptr),
      ArgSpec::ofPromise(a, {.noWait = true, .acceptFail = AcceptFail::ofTypes({"T"})}),
      ArgSpec::ofList({ArgSpec::ofValue("x"), ArgSpec::ofList({ArgSpec::ofPromise(a)})}),
  };
  for (const ArgSpec& spec : specs) {
    EXPECT_EQ(Json(spec).get<ArgSpec>(), spec) << Json(spec).dump();
  }
}

TEST(ArgSpec, acceptFailMatchesByType) {
  TaskError error("Timeout", "");
  EXPECT_FALSE(AcceptFail{}.accepts(error) && AcceptFail{}.enabled());
  EXPECT_TRUE(AcceptFail::any().accepts(error));
  EXPECT_TRUE(AcceptFail::ofTypes({"Timeout"}).accepts(error));
  EXPECT_FALSE(AcceptFail::ofTypes({"Other"}).accepts(error));
}

TEST(ArgSpec, malformedFormsAreRejectedWithTheirPath) {
  auto messageOf = [](const char* text) {
    try {
      parseJson(text).get<ArgSpec>();
    } catch (const JsonError& error) {
      return error.message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(messageOf(R"({})"), "expected exactly one of value, promise, list");
  EXPECT_EQ(messageOf(R"({"value":1,"promise":"x"})"),
            "expected exactly one of value, promise, list");
  EXPECT_EQ(messageOf(R"({"promise":12})"), "promise: expected a UUID string, got 12");
  EXPECT_EQ(messageOf(R"({"value":1,"noWait":true})"),
            "noWait and acceptFail apply only to a promise argument");
  EXPECT_EQ(messageOf(R"({"list":[{"value":1},{"promise":"bad"}]})"),
            "list[1].promise: expected a UUID string, got the string \"bad\"");
  EXPECT_EQ(messageOf(R"({"promise":"1b4e28ba-2fa1-41d2-883f-0016d3cca427","acceptFail":"yes"})"),
            "acceptFail: expected true, false or a list of error types, got the string \"yes\"");
  EXPECT_EQ(messageOf(R"({"valeu":1})"),
            "valeu: unknown field (expected one of: value, promise, noWait, acceptFail, list)");
}

}  // namespace
}  // namespace pledge
