// What RestClient puts on the wire for polls and releases, against a recording HTTP server on
// loopback: the bodies it writes are the wire model's text (poll_request.h, release.h: the same
// writer the server's views and forwards use), and the answers it reads are the values the
// server's writer wrote.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "pledge/json_writer.h"
#include "pledge/release.h"
#include "pledge/rest_client.h"

namespace pledge {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Records every request body by target and answers with the text set for its target (200), or
// {"nodes":[]} for GET /api/v1/cluster. Each connection is served on a thread of its own.
class RecordingServer {
 public:
  RecordingServer() {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    acceptThread_ = std::thread([this] { acceptLoop(); });
  }

  ~RecordingServer() {
    stopping_ = true;
    beast::error_code ignored;
    tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ignored);
    acceptThread_.join();
    std::lock_guard lock(mutex_);
    for (auto& socket : sockets_) socket->shutdown(tcp::socket::shutdown_both, ignored);
    for (std::thread& thread : threads_) thread.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  void answer(const std::string& target, std::string body, int status = 200) {
    std::lock_guard lock(mutex_);
    answers_[target] = {status, std::move(body)};
  }

  // The bodies received for target, in order.
  std::vector<std::string> bodies(const std::string& target) {
    std::lock_guard lock(mutex_);
    return received_[target];
  }

 private:
  void acceptLoop() {
    while (true) {
      auto socket = std::make_shared<tcp::socket>(io_);
      beast::error_code ec;
      acceptor_.accept(*socket, ec);
      if (stopping_ || ec) return;
      std::lock_guard lock(mutex_);
      sockets_.push_back(socket);
      threads_.emplace_back([this, socket] { serve(*socket); });
    }
  }

  void serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> request;
      beast::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) return;
      const std::string target(request.target());
      http::response<http::string_body> response{http::status::ok, 11};
      {
        std::lock_guard lock(mutex_);
        received_[target].push_back(request.body());
        if (target == "/api/v1/cluster") {
          response.body() = R"({"nodes":[]})";
        } else if (auto known = answers_.find(target); known != answers_.end()) {
          response.result(static_cast<unsigned>(known->second.first));
          response.body() = known->second.second;
        } else {
          response.result(http::status::not_found);
        }
      }
      response.set(http::field::content_type, "application/json");
      response.keep_alive(true);
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec) return;
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::atomic<bool> stopping_{false};
  std::thread acceptThread_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> threads_;
  std::map<std::string, std::pair<int, std::string>> answers_;
  std::map<std::string, std::vector<std::string>> received_;
};

Decision someDecision() {
  return Decision{.taskId = Uuid::random(), .processId = Uuid::random(), .attempt = 2,
                  .result = Json{{"sum", 3}},
                  .tasks = {TaskSpec{.taskId = Uuid::random(), .actor = "W#1", .method = "m"}}};
}

PolledTask somePolledTask() {
  return PolledTask{.taskId = Uuid::random(), .processId = Uuid::random(), .actor = "W#1",
                    .method = "m", .args = {ArgValue::ofValue(1)}};
}

class RestClientWire : public ::testing::Test {
 protected:
  RecordingServer server_;
  RestClient client_{{server_.url()}, RestClientOptions{.workerId = "worker-7"}};
};

TEST_F(RestClientWire, aPollIsTheWireModelsText) {
  server_.answer("/api/v1/tasks/poll", R"({"tasks":[]})");
  client_.poll({{"A#1", ""}, {"B#2", "slow"}}, 8, std::chrono::milliseconds(250));
  const PollRequest expected{
      .worker = "worker-7", .queues = {{"A#1", ""}, {"B#2", "slow"}}, .max = 8, .waitMs = 250};
  const std::vector<std::string> bodies = server_.bodies("/api/v1/tasks/poll");
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], toJsonText(expected));
  EXPECT_EQ(bodies[0], Json(expected).dump());
  // What the server reads of it.
  EXPECT_EQ(parseJson(bodies[0]).get<PollRequest>(), expected);
}

TEST_F(RestClientWire, aReleaseIsTheWireModelsTextAndItsAnswerTheServersValues) {
  const std::vector<Decision> decisions = {someDecision(), someDecision()};
  const ReleaseAnswer answer = ReleaseAnswer::of(
      {ReleaseResult{decisions[0].taskId, ReleaseStatus::Accepted, std::nullopt},
       ReleaseResult{decisions[1].taskId, ReleaseStatus::Rejected,
                     Error(ErrorCode::Conflict, "attempt 2 is not leased")}});
  server_.answer("/api/v1/tasks/release", toJsonText(answer));

  const std::vector<ReleaseOutcome> outcomes = client_.release(decisions);

  const std::vector<std::string> bodies = server_.bodies("/api/v1/tasks/release");
  ASSERT_EQ(bodies.size(), 1u);
  const ReleaseRequest expected{.decisions = decisions};
  EXPECT_EQ(bodies[0], toJsonText(expected));
  EXPECT_EQ(bodies[0], Json(expected).dump());
  EXPECT_EQ(parseReleaseRequest(bodies[0]), expected);
  EXPECT_EQ(outcomes, answer.results);
  EXPECT_EQ(releaseStatusName(outcomes[1].status), "rejected");
}

TEST_F(RestClientWire, aReleaseWithAPollCarriesItAndReadsTheLeasedTasks) {
  const std::vector<Decision> decisions = {someDecision()};
  const ReleaseAnswer answer = ReleaseAnswer::of(
      {ReleaseResult{decisions[0].taskId, ReleaseStatus::Duplicate, std::nullopt}},
      std::vector<PolledTask>{somePolledTask(), somePolledTask()});
  server_.answer("/api/v1/tasks/release", toJsonText(answer));

  const ReleaseAnswer got = client_.releaseAndPoll(decisions, {{"W#1", ""}}, 4);

  const std::vector<std::string> bodies = server_.bodies("/api/v1/tasks/release");
  ASSERT_EQ(bodies.size(), 1u);
  const ReleaseRequest expected{
      .decisions = decisions,
      .poll = PollRequest{.worker = "worker-7", .queues = {{"W#1", ""}}, .max = 4}};
  EXPECT_EQ(bodies[0], toJsonText(expected));
  EXPECT_EQ(parseReleaseRequest(bodies[0]), expected);
  EXPECT_EQ(got, answer);
}

TEST_F(RestClientWire, aReleaseRefusedAsAWholeKeepsItsResults) {
  const Decision decision = someDecision();
  const ReleaseAnswer answer = ReleaseAnswer::of({ReleaseResult{
      decision.taskId, ReleaseStatus::Rejected, Error(ErrorCode::Conflict, "stale")}});
  server_.answer("/api/v1/tasks/release", toJsonText(answer), answer.httpStatus());
  EXPECT_EQ(client_.release({decision}), answer.results);

  server_.answer("/api/v1/tasks/release", errorObjectText(ErrorCode::BadRequest, "no"), 400);
  try {
    client_.release({decision});
    FAIL() << "an error object without results is an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::BadRequest);
    EXPECT_EQ(error.message(), "no");
  }
}

}  // namespace
}  // namespace pledge
