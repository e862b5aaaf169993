// A task is leased only into an answer that reaches its poller: a long poll whose client went
// away is cancelled, an answer that cannot be written puts its leases back, and a release that
// applied nothing leases nothing. Otherwise the task would wait out its lease (60 s) held by no
// one. Runs on SQLite and, with the "pg." prefix, on PostgreSQL.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <thread>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

class LeaseDelivery : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- server log\n" << server_.log().substr(0, 20'000);
  }

  ServerProcess server_;
  TestApi api_{server_.port()};
};

TEST_F(LeaseDelivery, aLongPollWhoseClientWentAwayTakesNoTask) {
  {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    asio::ip::tcp::resolver resolver(io);
    asio::connect(socket, resolver.resolve("127.0.0.1", std::to_string(server_.port())));
    const std::string body = R"({"actors":[{"actor":"D#1"}],"waitMs":30000})";
    asio::write(
        socket,
        asio::buffer(
            "POST /api/v1/tasks/poll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body));
    std::this_thread::sleep_for(milliseconds(200));  // parked
  }  // the client closes its connection
  std::this_thread::sleep_for(milliseconds(200));
  StartedProcess started = api_.start("D#1", "start");
  std::vector<PolledTask> tasks = api_.poll("D#1", 10, 2'000);
  ASSERT_EQ(tasks.size(), 1u) << "the task went to the poll whose client had left";
  EXPECT_EQ(tasks[0].processId, started.processId);
  EXPECT_EQ(tasks[0].attempt, 1);
}

TEST_F(LeaseDelivery, anAnswerThatCannotReachItsPollerPutsTheLeaseBack) {
  // A parked poll answered just as its client leaves: the leases come back at once, under the
  // same attempt. Races between the two are timing, so try a few times and require that every
  // task is either with the poller that got it or back in the queue, never held by no one.
  for (int round = 0; round < 5; ++round) {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    asio::ip::tcp::resolver resolver(io);
    asio::connect(socket, resolver.resolve("127.0.0.1", std::to_string(server_.port())));
    const std::string body = R"({"actors":[{"actor":"D#1"}],"max":10,"waitMs":30000})";
    asio::write(
        socket,
        asio::buffer(
            "POST /api/v1/tasks/poll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body));
    std::this_thread::sleep_for(milliseconds(100));
    socket.shutdown(asio::ip::tcp::socket::shutdown_both);
    socket.close();
    StartedProcess started = api_.start("D#1", "start");
    std::vector<PolledTask> again = api_.poll("D#1", 10, 2'000);
    ASSERT_EQ(again.size(), 1u) << "round " << round << ": the task is held by no one";
    EXPECT_EQ(again[0].processId, started.processId);
    EXPECT_EQ(api_.releaseStatus(valueOf(again[0], round)), "accepted");
  }
}

TEST_F(LeaseDelivery, aReleaseThatAppliedNothingLeasesNothing) {
  api_.start("D#1", "start");
  const Json release = {
      {"decisions", {{{"taskId", Uuid::random()}, {"attempt", 1}, {"result", 1}}}},
      {"poll", {{"actors", {{{"actor", "D#1"}}}}, {"max", 10}}}};
  HttpResult answer = api_.http().post("/api/v1/tasks/release", release);
  EXPECT_EQ(answer.status, 404) << answer.body;
  EXPECT_FALSE(answer.json().contains("tasks")) << answer.body;
  EXPECT_EQ(api_.poll("D#1", 10).size(), 1u) << "the ready task is still there for the next poll";
}

}  // namespace
}  // namespace pledge::testing
