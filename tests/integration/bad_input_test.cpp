// Bad input gets the JSON error object with a fitting status, names the bad field, loses
// nothing, and the server answers the next valid request.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

class BadInput : public ::testing::Test {
 protected:
  // Sends the request, checks status, error code and message, then that the server still works.
  void expectError(const std::string& method, const std::string& target, const std::string& body,
                   int status, const std::string& code, const std::string& messagePart) {
    HttpResult result = api_.http().request(method, target, body);
    EXPECT_EQ(result.status, status)
        << method << " " << target << " " << body << " -> " << result.body;
    Json error = result.json().at("error");
    EXPECT_EQ(error.at("code"), code) << result.body;
    EXPECT_NE(error.at("message").get<std::string>().find(messagePart), std::string::npos)
        << "message: " << error.at("message") << "\nexpected to contain: " << messagePart;
    expectServing();
  }

  void expectServing() {
    StartedProcess started = api_.start("D#1", "start", Json::array({++served_}));
    EXPECT_EQ(api_.process(started.processId).state, ProcessState::Running);
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server log\n" << server_.log();
  }

  ServerProcess server_{{"--max-body-bytes", "4096"}};
  TestApi api_{server_.port()};
  int served_ = 0;
};

TEST_F(BadInput, malformedJsonIs400WithWhereItBroke) {
  expectError("POST", "/api/v1/processes", "{\"actor\": ", 400, "bad_request", "malformed JSON");
  expectError("POST", "/api/v1/tasks/poll", "[1,2", 400, "bad_request", "malformed JSON");
  expectError("POST", "/api/v1/tasks/release", "{decisions: []}", 400, "bad_request",
              "malformed JSON");
  expectError("POST", "/api/v1/processes", "", 400, "bad_request", "needs a JSON body");
}

TEST_F(BadInput, wrongFieldTypesAre400NamingTheField) {
  expectError("POST", "/api/v1/processes", R"({"actor": 5, "method": "start"})", 400, "bad_request",
              "actor: expected a string, got 5");
  expectError("POST", "/api/v1/processes", R"({"actor": "D#1", "method": "start", "args": "x"})",
              400, "bad_request", "args: expected an array");
  expectError("POST", "/api/v1/processes", R"({"actor": "D#1", "method": "start", "custom": 1})",
              400, "bad_request", "custom: unknown field");
  expectError("POST", "/api/v1/tasks/poll", R"({"actors": [{"actor": "W#1"}], "max": "ten"})", 400,
              "bad_request", "max: expected an integer");
  expectError("POST", "/api/v1/tasks/poll", R"({"actors": [{"actor": "W"}]})", 400, "bad_request",
              "actors[0].actor: expected \"Name#version\"");
  expectError("POST", "/api/v1/tasks/poll", R"({"actors": [{"actor": "W#1"}], "max": 0})", 400,
              "bad_request", "max: must be 1 to 1000");
  expectError("POST", "/api/v1/tasks/poll", R"({"actors": [{"actor": "W#1"}], "waitMs": 9999999})",
              400, "bad_request", "waitMs: must be 0 to 60000");
  const std::string task = Uuid::random().toString();
  expectError(
      "POST", "/api/v1/tasks/release",
      R"({"decisions": [{"taskId": ")" + task + R"(", "attempt": 1, "tasks": [{"taskId": ")" +
          Uuid::random().toString() +
          R"(", "actor": "W#1", "method": "m", "type": "worker", "args": [{"promise": 7}]}]}]})",
      400, "bad_request", "decisions[0].tasks[0].args[0].promise: expected a UUID string, got 7");
  expectError("POST", "/api/v1/tasks/release", R"({"decisions": []})", 400, "bad_request",
              "release at least one decision");
  expectError("POST", "/api/v1/tasks/" + task + "/heartbeat", R"({"attempt": "one"})", 400,
              "bad_request", "attempt: expected an integer");
}

TEST_F(BadInput, unknownIdsAre404) {
  const std::string id = Uuid::random().toString();
  expectError("GET", "/api/v1/processes/" + id, "", 404, "not_found", "no process " + id);
  expectError("GET", "/api/v1/processes/" + id + "/tasks", "", 404, "not_found", "no process");
  expectError("GET", "/api/v1/processes/" + id + "/result?waitMs=10", "", 404, "not_found",
              "no process");
  expectError("POST", "/api/v1/processes/" + id + "/restart", "", 404, "not_found", "no process");
  expectError("POST", "/api/v1/processes/" + id + "/abort", "", 404, "not_found", "no process");
  expectError("GET", "/api/v1/processes/not-a-uuid", "", 404, "not_found", "ids are UUIDs");
  expectError("POST", "/api/v1/tasks/" + id + "/heartbeat", R"({"attempt": 1})", 404, "not_found",
              "no task " + id);
  expectError("POST", "/api/v1/tasks/release",
              R"({"decisions": [{"taskId": ")" + id + R"(", "attempt": 1, "result": 1}]})", 404,
              "not_found", "no task " + id);
}

TEST_F(BadInput, oversizedBodiesAre413) {
  std::string big =
      R"({"actor": "D#1", "method": "start", "args": [")" + std::string(10'000, 'x') + "\"]}";
  HttpResult result = api_.http().post("/api/v1/processes", big);
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(result.json().at("error").at("code"), "payload_too_large");
  expectServing();
  // Nothing of the refused request was stored.
  EXPECT_EQ(api_.http().get("/api/v1/processes").json().at("items").size(), 1u);
}

TEST_F(BadInput, unknownRoutesAre404AndWrongMethods405) {
  expectError("GET", "/api/v2/processes", "", 404, "not_found", "no route GET /api/v2/processes");
  expectError("DELETE", "/api/v1/processes", "", 405, "method_not_allowed",
              "DELETE is not allowed");
  expectError("GET", "/api/v1/tasks/poll", "", 405, "method_not_allowed", "GET is not allowed");
}

TEST_F(BadInput, badQueryParametersAre400) {
  expectError("GET", "/api/v1/processes?limit=abc", "", 400, "bad_request",
              "limit: expected an integer");
  expectError("GET", "/api/v1/processes?limit=0", "", 400, "bad_request",
              "limit: must be 1 to 1000");
  expectError("GET", "/api/v1/processes?state=finished", "", 400, "bad_request",
              "state: expected running, paused, completed, broken or aborted");
  expectError("GET", "/api/v1/processes?cursor=garbage", "", 400, "bad_request", "cursor");
}

TEST_F(BadInput, malformedHttpIsAnsweredAndTheServerKeepsServing) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  asio::ip::tcp::resolver resolver(io);
  asio::connect(socket, resolver.resolve("127.0.0.1", std::to_string(server_.port())));
  asio::write(socket, asio::buffer(std::string("THIS IS NOT HTTP\r\n\r\n")));
  std::string answer;
  boost::system::error_code ec;
  std::array<char, 1024> chunk{};
  while (!ec) {
    std::size_t n = socket.read_some(asio::buffer(chunk), ec);
    answer.append(chunk.data(), n);
  }
  EXPECT_NE(answer.find("400"), std::string::npos) << answer;
  expectServing();
}

TEST_F(BadInput, aReleaseWithABadPollIs400AndAppliesNothing) {
  api_.start("D#1", "start");
  PolledTask start = api_.poll("D#1", 1, 5000).at(0);
  const Json decisions = Json::array({Json(valueOf(start, 1))});
  for (const auto& [poll, says] : std::vector<std::pair<Json, std::string>>{
           {Json{{"actors", Json::array()}}, "poll.actors: name at least one actor to poll"},
           {Json{{"actors", {{{"actor", "W#1"}}}}, {"max", 0}},
            "poll.max: must be 1 to 1000, got 0"},
           {Json{{"actors", {{{"actor", "nohash"}}}}}, "poll.actors[0].actor: expected"},
           {Json{{"actors", {{{"actor", "W#1"}}}}, {"waitMs", "soon"}},
            "poll.waitMs: expected an integer"},
           {Json{{"actorz", 1}}, "poll.actorz: unknown field"}}) {
    HttpResult answer =
        api_.http().post("/api/v1/tasks/release", Json{{"decisions", decisions}, {"poll", poll}});
    EXPECT_EQ(answer.status, 400) << answer.body;
    EXPECT_NE(answer.body.find(says), std::string::npos) << answer.body;
  }
  EXPECT_EQ(api_.process(start.processId).state, ProcessState::Running)
      << "no decision was applied";
  EXPECT_EQ(api_.releaseStatus(valueOf(start, 1)), "accepted");
  expectServing();
}

TEST_F(BadInput, releaseRejectsDecisionsThatDoNotFitTheGraph) {
  StartedProcess started = api_.start("D#1", "start");
  std::vector<PolledTask> tasks = api_.poll("D#1", 10);
  ASSERT_FALSE(tasks.empty());
  const PolledTask& start = tasks.back();
  HttpResult unknownPromise = api_.release({forwardOf(start, Uuid::random())});
  EXPECT_EQ(unknownPromise.status, 400);
  EXPECT_NE(unknownPromise.body.find("is no task of process"), std::string::npos);
  HttpResult reusedId = api_.release({valueOf(start, nullptr, {newTask("W#1", "m", {})})});
  EXPECT_EQ(reusedId.status, 200);
  (void)started;
  expectServing();
}

}  // namespace
}  // namespace pledge::testing
