// Tags over REST on a real pledge-server (docs/operations.md, "Tags"): given at start (one, a
// batch, a workflow), answered with every process, listed by ?tag=KEY:VALUE page by page; bad
// tags and bad filters are 400 naming the field.
#include <gtest/gtest.h>

#include <set>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

class TagsRest : public ::testing::Test {
 protected:
  std::string startTagged(const Json& tags, const std::string& actor = "Tagged#1") {
    HttpResult started = api_.http().post(
        "/api/v1/processes", Json{{"actor", actor}, {"method", "start"}, {"tags", tags}});
    EXPECT_EQ(started.status, 201) << started.body;
    return started.json().at("processId").get<std::string>();
  }
  // The process ids the listing answers, following next to the end.
  std::vector<std::string> list(const std::string& query) {
    std::vector<std::string> ids;
    std::string cursor;
    for (;;) {
      HttpResult page = api_.http().get("/api/v1/processes?" + query + cursor);
      EXPECT_EQ(page.status, 200) << page.body;
      Json body = page.json();
      for (const Json& item : body.at("items")) ids.push_back(item.at("processId"));
      if (!body.at("next").is_string()) return ids;
      cursor = "&cursor=" + body["next"].get<std::string>();
    }
  }
  void expectBadRequest(const std::string& method, const std::string& target, const Json& body,
                        const std::string& message) {
    HttpResult answer = api_.http().request(method, target, body.is_null() ? "" : body.dump());
    EXPECT_EQ(answer.status, 400) << target << " " << body.dump() << " -> " << answer.body;
    EXPECT_NE(answer.body.find(message), std::string::npos) << answer.body;
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server log\n" << server_.log();
  }

  ServerProcess server_;
  TestApi api_{server_.port()};
};

TEST_F(TagsRest, startsWithTagsAndListsByThemPageByPage) {
  const std::string prod = startTagged({{"team", "billing"}, {"env", "prod"}});
  const std::string dev = startTagged({{"team", "billing"}, {"env", "dev"}});
  const std::string ab = startTagged({{"a", "b"}});
  HttpResult plain = api_.http().post("/api/v1/processes", R"({"actor":"Tagged#1","method":"s"})");
  const std::string untagged = plain.json().at("processId");
  HttpResult batch = api_.http().post(
      "/api/v1/processes/batch",
      Json{{"processes", Json::array({Json{{"actor", "Tagged#1"},
                                           {"method", "start"},
                                           {"tags", {{"team", "billing"}, {"n", "1"}}}}})}});
  ASSERT_EQ(batch.status, 200) << batch.body;
  const std::string batched = batch.json().at("results").at(0).at("processId");

  Json shown = api_.http().get("/api/v1/processes/" + prod).json();
  EXPECT_EQ(shown.at("tags"), Json({{"team", "billing"}, {"env", "prod"}}));
  EXPECT_EQ(api_.http().get("/api/v1/processes/" + untagged).json().at("tags"), Json::object());

  EXPECT_EQ(list("tag=team:billing"), (std::vector<std::string>{batched, dev, prod}));
  EXPECT_EQ(list("tag=team:billing&limit=1"), (std::vector<std::string>{batched, dev, prod}));
  EXPECT_EQ(list("tag=team:billing&tag=env:prod"), std::vector<std::string>{prod});
  EXPECT_EQ(list("tag=env%3Adev&tag=team:billing&limit=1"), std::vector<std::string>{dev});
  EXPECT_EQ(list("tag=a:b"), std::vector<std::string>{ab});
  EXPECT_TRUE(list("tag=b:a").empty());
  EXPECT_TRUE(list("tag=team:billing&state=completed").empty());
  EXPECT_EQ(list("limit=2").size(), 5U);
}

TEST_F(TagsRest, aWorkflowStartedByNameTakesTags) {
  HttpResult registered = api_.http().post("/api/v1/workflows", parseJson(R"({
    "name": "tagged", "version": 1,
    "tasks": [{"name": "q", "taskReferenceName": "q", "type": "JSON_JQ_TRANSFORM",
               "inputParameters": {"queryExpression": "1"}}]})"));
  ASSERT_LT(registered.status, 300) << registered.body;
  HttpResult started = api_.http().post(
      "/api/v1/processes",
      Json{{"actor", "workflow:tagged"}, {"input", Json::object()}, {"tags", {{"team", "flows"}}}});
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = started.json().at("processId");
  EXPECT_EQ(list("tag=team:flows"), std::vector<std::string>{id});
  EXPECT_EQ(api_.http().get("/api/v1/processes/" + id).json().at("tags"),
            Json({{"team", "flows"}}));
}

TEST_F(TagsRest, badTagsAndBadFiltersAre400NamingTheField) {
  auto start = [](const Json& tags) {
    return Json{{"actor", "Tagged#1"}, {"method", "start"}, {"tags", tags}};
  };
  expectBadRequest("POST", "/api/v1/processes", start({{"a b", "x"}}), "tags.a b: a tag key");
  expectBadRequest("POST", "/api/v1/processes", start({{"v", std::string(257, 'x')}}),
                   "tags.v: must be at most 256 bytes");
  expectBadRequest("POST", "/api/v1/processes", start({{"n", 1}}), "tags.n: expected a string");
  expectBadRequest("POST", "/api/v1/processes", start(Json::array()), "tags: expected an object");
  Json many = Json::object();
  for (int i = 0; i < 21; ++i) many["k" + std::to_string(i)] = "v";
  expectBadRequest("POST", "/api/v1/processes", start(many), "tags: at most 20 tags");
  expectBadRequest("GET", "/api/v1/processes?tag=team", nullptr,
                   "tag: expected KEY:VALUE, got \\\"team\\\"");
  expectBadRequest("GET", "/api/v1/processes?tag=a%20b:c", nullptr, "tag: a tag key holds only");
  EXPECT_TRUE(list("").empty()) << "nothing refused was started";
}

}  // namespace
}  // namespace pledge::testing
