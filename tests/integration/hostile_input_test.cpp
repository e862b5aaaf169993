// No request stops or wedges the server: every class of hostile input found by hand or by the
// fuzzers gets a 4xx with the REST error object (valid JSON, valid UTF-8, naming the field), the
// server keeps serving, and nothing of a refused request is stored. Runs on SQLite and, with the
// "pg." prefix, on PostgreSQL.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <thread>

#include "pledge/text.h"
#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

namespace asio = boost::asio;

// Sends bytes on a new connection and reads until the server closes it or timeout passes.
std::string rawExchange(std::uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(5'000)) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  asio::ip::tcp::resolver resolver(io);
  asio::connect(socket, resolver.resolve("127.0.0.1", std::to_string(port)));
  asio::write(socket, asio::buffer(bytes));
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  socket.non_blocking(true);
  std::array<char, 4096> chunk{};
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    std::size_t n = socket.read_some(asio::buffer(chunk), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    answer.append(chunk.data(), n);
    if (ec) break;
  }
  return answer;
}

class HostileInput : public ::testing::Test {
 protected:
  // The answer is the error object with this status and code, its message naming part.
  void expectRefused(const HttpResult& result, int status, const std::string& code,
                     const std::string& part) {
    EXPECT_EQ(result.status, status) << result.body.substr(0, 300);
    EXPECT_TRUE(isValidUtf8(result.body)) << result.body.substr(0, 300);
    Json error;
    try {
      error = result.json().at("error");
    } catch (const std::exception& bad) {
      ADD_FAILURE() << "not the error object: " << result.body.substr(0, 300);
      return;
    }
    EXPECT_EQ(error.at("code"), code) << result.body.substr(0, 300);
    EXPECT_NE(error.at("message").get<std::string>().find(part), std::string::npos)
        << "message: " << error.at("message") << "\nexpected to contain: " << part;
  }

  void expectServing() {
    StartedProcess started = api_.start("D#1", "start", Json::array({++served_}));
    EXPECT_EQ(api_.process(started.processId).state, ProcessState::Running);
    ASSERT_TRUE(server_.running()) << server_.log();
  }

  std::size_t storedProcesses() {
    return api_.http().get("/api/v1/processes?limit=1000").json().at("items").size();
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server log\n" << server_.log().substr(0, 20'000);
  }

  ServerProcess server_;
  TestApi api_{server_.port()};
  int served_ = 0;
};

TEST_F(HostileInput, brokenUtf8InPathsQueriesAndBodiesIsRefusedNotFatal) {
  expectRefused(api_.http().get("/api/v1/processes/%FF"), 404, "not_found", "ids are UUIDs");
  expectRefused(api_.http().get("/api/v1/processes/%FF%FE/tasks"), 404, "not_found",
                "ids are UUIDs");
  expectRefused(api_.http().post("/api/v1/tasks/%C3/heartbeat", R"({"attempt":1})"), 404,
                "not_found", "ids");
  expectRefused(api_.http().get("/api/v1/processes?state=%FF"), 400, "bad_request", "state:");
  expectRefused(api_.http().get("/api/v1/processes?limit=%FF"), 400, "bad_request", "limit:");
  expectRefused(api_.http().get("/api/v1/processes?cursor=%FF"), 400, "bad_request", "cursor:");
  expectRefused(api_.http().get("/api/v1/processes?actor=%FF"), 400, "bad_request",
                "actor: must be valid UTF-8");
  expectRefused(api_.http().get("/api/v1/nothing/%FF"), 404, "not_found", "no route GET");
  expectRefused(api_.http().request("DELETE", "/api/v1/processes/%FF", ""), 405,
                "method_not_allowed", "DELETE");
  expectRefused(
      api_.http().post("/api/v1/processes", "{\"actor\": \"D#1\", \"method\": \"s\xFF\"}"), 400,
      "bad_request", "malformed JSON");
  expectRefused(api_.http().post("/api/v1/tasks/release", "{\"decisions\": [\"\xC3\"]}"), 400,
                "bad_request", "malformed JSON");
  expectServing();
  EXPECT_EQ(storedProcesses(), 1u);
}

TEST_F(HostileInput, rawBytesInTheRequestTargetAreRefused) {
  for (const std::string target :
       {"/api/v1/processes/\xFF", "/api/v1/\xC3\x28?x=\xFF", "/api/v1/%ZZ", "/%"}) {
    const std::string answer = rawExchange(
        server_.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 4")) << target << " -> " << answer.substr(0, 200);
    EXPECT_TRUE(isValidUtf8(answer)) << answer;
  }
  expectServing();
}

TEST_F(HostileInput, messagesQuotingInputAreCutAtACharacterBoundary) {
  // 39 ASCII bytes then a 3-byte character across byte 40 of the quoted value.
  const std::string text = std::string(39, 'a') + "\xE2\x82\xAC" + std::string(20, 'b');
  HttpResult result = api_.http().post(
      "/api/v1/processes", Json{{"actor", "D#1"}, {"method", "start"}, {"startTime", text}}.dump());
  expectRefused(result, 400, "bad_request", "startTime: expected an integer, got the string");
  expectRefused(
      api_.http().post("/api/v1/processes", Json{{"actor", text}, {"method", "start"}}.dump()), 400,
      "bad_request", "actor: expected \"Name#version\"");
  expectServing();
}

TEST_F(HostileInput, deeplyNestedJsonIsRefusedNamingTheDepthLimit) {
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  // (The body limit is 16 MiB by default: these arrive whole.)
  expectRefused(api_.http().post("/api/v1/processes",
                                 R"({"actor":"D#1","method":"start","args":)" + deep + "}"),
                400, "bad_request", "nested deeper than the limit of 128 levels");
  StartedProcess started = api_.start("D#1", "start");
  PolledTask task = api_.poll("D#1", 1, 5'000).at(0);
  const std::string release = R"({"decisions":[{"taskId":")" + task.taskId.toString() +
                              R"(","attempt":)" + std::to_string(task.attempt) + R"(,"result":)" +
                              deep + "}]}";
  expectRefused(api_.http().post("/api/v1/tasks/release", release), 400, "bad_request",
                "128 levels");
  // Just within the limit is fine.
  const std::string nested = std::string(120, '[') + std::string(120, ']');
  EXPECT_EQ(api_.releaseStatus(valueOf(task, parseJson(nested))), "accepted");
  EXPECT_EQ(api_.awaitResult(started.processId, 5'000).state, ProcessState::Completed);
  expectServing();
}

TEST_F(HostileInput, storedNamesMustBePrintableUtf8OfBoundedLength) {
  auto start = [&](Json body) { return api_.http().post("/api/v1/processes", body.dump()); };
  Json good = {{"actor", "D#1"}, {"method", "start"}};
  Json bad = good;
  bad["actor"] = std::string("D\0#1", 4);
  expectRefused(start(bad), 400, "bad_request", "actor: must not contain control characters");
  bad = good;
  bad["method"] = "st\nart";
  expectRefused(start(bad), 400, "bad_request", "method: must not contain control characters");
  bad = good;
  bad["taskList"] = std::string(257, 't');
  expectRefused(start(bad), 400, "bad_request", "taskList: must be at most 256 bytes");
  bad = good;
  bad["customId"] = "order\x7F";
  expectRefused(start(bad), 400, "bad_request", "customId: must not contain control characters");
  bad = good;
  bad["requestId"] = std::string(513, 'r');
  expectRefused(start(bad), 400, "bad_request", "requestId: must be at most 512 bytes");
  expectRefused(
      api_.http().post("/api/v1/tasks/poll", R"({"worker":"w\u0007","actors":[{"actor":"W#1"}]})"),
      400, "bad_request", "worker: must not contain control characters");
  expectRefused(
      api_.http().post("/api/v1/tasks/poll", R"({"actors":[{"actor":"W#1","taskList":"a\tb"}]})"),
      400, "bad_request", "actors[0].taskList: must not contain control characters");
  // Names of new tasks, their error types and retry policies.
  api_.start("D#1", "start");
  PolledTask task = api_.poll("D#1", 1, 5'000).at(0);
  TaskSpec spec = newTask("W#1", "m\x01", {});
  HttpResult refused = api_.release({valueOf(task, 1, {spec})});
  expectRefused(refused, 400, "bad_request",
                "decisions[0].tasks[0].method: must not contain control characters");
  HttpResult longType = api_.release({errorOf(task, TaskError(std::string(300, 'E'), "m"))});
  expectRefused(longType, 400, "bad_request", "decisions[0].error.type: must be at most 256 bytes");
  expectServing();
}

TEST_F(HostileInput, aBadActorInAPathIsRefusedAndDoesNotPoisonTheActorList) {
  expectRefused(api_.http().post("/api/v1/actors/%FF%23x/block", ""), 400, "bad_request",
                "must be valid UTF-8");
  expectRefused(api_.http().post("/api/v1/actors/A%00%231/block", ""), 400, "bad_request",
                "control characters");
  expectRefused(api_.http().post("/api/v1/actors/" + std::string(300, 'a') + "%231/unblock", ""),
                400, "bad_request", "at most 256 bytes");
  HttpResult actors = api_.http().get("/api/v1/actors");
  EXPECT_EQ(actors.status, 200) << actors.body;
  server_.stop(SIGTERM);
  server_.start();
  TestApi again(server_.port());
  EXPECT_EQ(again.http().get("/api/v1/actors").status, 200);
}

TEST_F(HostileInput, numbersOutOfTheirRangesAreRefusedWithoutOverflow) {
  auto start = [&](const std::string& extra) {
    return api_.http().post("/api/v1/processes",
                            R"({"actor":"D#1","method":"start")" + extra + "}");
  };
  expectRefused(start(R"(,"startTime":9223372036854775807)"), 400, "bad_request",
                "startTime: must be epoch milliseconds");
  expectRefused(start(R"(,"startTime":18446744073709551615)"), 400, "bad_request",
                "startTime: expected a 64-bit");
  expectRefused(api_.http().get("/api/v1/processes?limit=4294967297"), 400, "bad_request",
                "limit: must be 1 to 1000");
  expectRefused(api_.http().get("/api/v1/processes?limit=99999999999999999999"), 400, "bad_request",
                "limit:");
  expectRefused(
      api_.http().get("/api/v1/processes/" + Uuid::random().toString() + "/result?waitMs=-1"), 400,
      "bad_request", "waitMs: must be 0 to");
  expectRefused(api_.http().get("/api/v1/processes/" + Uuid::random().toString() +
                                "/result?waitMs=9223372036854775807"),
                400, "bad_request", "waitMs: must be 0 to");
  expectRefused(
      api_.http().post("/api/v1/tasks/poll", R"({"actors":[{"actor":"W#1"}],"max":4294967297})"),
      400, "bad_request", "max: must be 1 to 1000");
  api_.start("D#1", "start");
  PolledTask task = api_.poll("D#1", 1, 5'000).at(0);
  CallOptions options;
  options.timeoutMs = std::int64_t{9'000'000'000'000'000'000};
  Json decision = Json(valueOf(task, 1, {newTask("W#1", "m", {}, TaskType::Worker, options)}));
  expectRefused(api_.http().post("/api/v1/tasks/release", Json{{"decisions", {decision}}}.dump()),
                400, "bad_request", "options.timeoutMs: must be 1 to");
  expectServing();
}

TEST_F(HostileInput, requestsOverTheirSizeLimitsAreRefusedNotCut) {
  api_.start("D#1", "start");
  PolledTask task = api_.poll("D#1", 1, 5'000).at(0);
  std::vector<Decision> many(1'001, valueOf(task, 1));
  expectRefused(api_.release(many), 400, "bad_request",
                "decisions: release at most 1000 decisions");
  std::vector<TaskSpec> specs;
  for (int i = 0; i < 10'001; ++i) specs.push_back(newTask("W#1", "m", {}));
  expectRefused(api_.release({valueOf(task, 1, specs)}), 400, "bad_request",
                "decisions[0].tasks: at most 10000 items are allowed, got 10001");
  std::vector<ArgSpec> items(10'001, ArgSpec::ofValue(1));
  expectRefused(api_.release({valueOf(task, 1, {newTask("W#1", "m", {ArgSpec::ofList(items)})})}),
                400, "bad_request", "args[0].list: at most 10000 items");
  Json actors = Json::array();
  for (int i = 0; i < 101; ++i) actors.push_back({{"actor", "W#" + std::to_string(i)}});
  expectRefused(api_.http().post("/api/v1/tasks/poll", Json{{"actors", actors}}.dump()), 400,
                "bad_request", "actors: at most 100 items");
  Json starts = Json::array();
  for (int i = 0; i < 1'001; ++i) starts.push_back({{"actor", "D#1"}, {"method", "start"}});
  expectRefused(api_.http().post("/api/v1/processes/batch", Json{{"processes", starts}}.dump()),
                400, "bad_request", "processes: start 1 to 1000 processes per request");
  EXPECT_EQ(api_.releaseStatus(valueOf(task, 1)), "accepted")
      << "nothing of the refused releases was applied";
  expectServing();
}

TEST_F(HostileInput, anEndedProcessCannotBeAbortedOrRestarted) {
  StartedProcess started = api_.start("D#1", "start");
  PolledTask task = api_.poll("D#1", 1, 5'000).at(0);
  // Abort the instant the release is answered: the process has just ended.
  EXPECT_EQ(api_.releaseStatus(valueOf(task, 5)), "accepted");
  expectRefused(
      api_.http().post("/api/v1/processes/" + started.processId.toString() + "/abort", ""), 409,
      "conflict", "the process is completed");
  expectRefused(
      api_.http().post("/api/v1/processes/" + started.processId.toString() + "/restart", ""), 409,
      "conflict", "only a broken process can be restarted");
  // Also once it left memory.
  EXPECT_EQ(api_.awaitResult(started.processId, 5'000).state, ProcessState::Completed);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  expectRefused(
      api_.http().post("/api/v1/processes/" + started.processId.toString() + "/abort", ""), 409,
      "conflict", "the process is completed");
  expectServing();
}

// A server with small limits.
class ServerLimits : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server log\n" << server_.log().substr(0, 20'000);
  }

  ServerProcess server_{{"--max-waiting-requests", "2", "--max-queues", "4", "--max-connections",
                         "8", "--header-timeout-ms", "300", "--idle-timeout-ms", "1000",
                         "--body-timeout-ms", "500"}};
  TestApi api_{server_.port()};
};

TEST_F(ServerLimits, waitingRequestsBeyondTheLimitAre429) {
  std::vector<std::thread> waiters;
  for (int i = 0; i < 2; ++i) {
    waiters.emplace_back([&] {
      TestApi mine(server_.port());
      mine.poll("W#1", 1, 2'000);
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  HttpResult refused =
      api_.http().post("/api/v1/tasks/poll", R"({"actors":[{"actor":"W#1"}],"waitMs":1000})");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.json().at("error").at("code"), "limit_exceeded");
  EXPECT_NE(refused.body.find("limit of 2 waiting requests"), std::string::npos) << refused.body;
  // Without waiting it is served.
  EXPECT_EQ(api_.http().post("/api/v1/tasks/poll", R"({"actors":[{"actor":"W#1"}]})").status, 200);
  for (auto& waiter : waiters) waiter.join();
}

TEST_F(ServerLimits, queuesBeyondTheLimitAre429) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(
        api_.http()
            .post("/api/v1/tasks/poll", Json{{"actors", {{{"actor", "W#" + std::to_string(i)}}}}})
            .status,
        200);
  }
  HttpResult refused = api_.http().post("/api/v1/tasks/poll", R"({"actors":[{"actor":"W#99"}]})");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_NE(refused.body.find("limit of 4 queues"), std::string::npos) << refused.body;
  // Known queues are still served, and so are new tasks of known queues.
  EXPECT_EQ(api_.http().post("/api/v1/tasks/poll", R"({"actors":[{"actor":"W#1"}]})").status, 200);
}

TEST_F(ServerLimits, slowAndIdleClientsAreCutOffAndConnectionsAreBounded) {
  // A header that never ends is cut off after the header timeout.
  const auto started = std::chrono::steady_clock::now();
  std::string answer = rawExchange(server_.port(), "GET /api/v1/queues HTTP/1.1\r\nHost: x\r\n",
                                   std::chrono::seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3))
      << "closed by the server";
  EXPECT_EQ(answer, "");
  // A connection that sends nothing is closed after the idle timeout.
  const auto idleFrom = std::chrono::steady_clock::now();
  EXPECT_EQ(rawExchange(server_.port(), "", std::chrono::seconds(5)), "");
  EXPECT_LT(std::chrono::steady_clock::now() - idleFrom, std::chrono::seconds(3))
      << "closed by the server";
  // Connections beyond the limit are answered 503 and closed; the server still serves after.
  std::vector<std::unique_ptr<HttpClient>> held;
  int served = 0;
  std::string refused;
  for (int i = 0; i < 10; ++i) {
    held.push_back(std::make_unique<HttpClient>("127.0.0.1", server_.port()));
    HttpResult result = held.back()->get("/api/v1/queues");
    if (result.status == 200) {
      ++served;
    } else {
      EXPECT_EQ(result.status, 503) << result.body;
      refused = result.body;
    }
  }
  EXPECT_EQ(served, 8);
  EXPECT_NE(refused.find("limit of 8 connections"), std::string::npos) << refused;
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  TestApi fresh(server_.port());
  EXPECT_EQ(fresh.http().get("/api/v1/queues").status, 200);
}

}  // namespace
}  // namespace pledge::testing
