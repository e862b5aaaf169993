#include "pledge/server/http/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <thread>

#include "http_client.h"

namespace pledge::server {
namespace {

TEST(PercentDecode, decodesEscapesAndRejectsBrokenOnes) {
  EXPECT_EQ(percentDecode("A%231.0"), "A#1.0");
  EXPECT_EQ(percentDecode("a+b%20c"), "a+b c");
  EXPECT_FALSE(percentDecode("%2"));
  EXPECT_FALSE(percentDecode("%zz"));
}

class RunningServer {
 public:
  explicit RunningServer(HttpHandler handler, std::size_t maxBody = 1024)
      : server_(HttpServerOptions{.address = "127.0.0.1", .port = 0, .maxBodyBytes = maxBody},
                std::move(handler)),
        thread_([this] { server_.run(); }) {}
  ~RunningServer() {
    server_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_.port(); }

 private:
  HttpServer server_;
  std::thread thread_;
};

TEST(HttpServer, passesDecodedRequestsAndServesKeepAlive) {
  RunningServer server([](HttpRequest&& request, Responder respond) {
    Json echo = {
        {"method", request.method}, {"segments", request.segments}, {"body", request.body}};
    for (const auto& [key, value] : request.query) echo["query"][key] = value;
    respond(HttpResponse{200, "application/json", echo.dump(), {}});
  });
  testing::HttpClient client("127.0.0.1", server.port());
  for (int i = 0; i < 3; ++i) {
    testing::HttpResult result = client.post("/api/v1/actors/A%231/block?limit=5&x=a%20b", "hi");
    ASSERT_EQ(result.status, 200);
    Json echo = result.json();
    EXPECT_EQ(echo["segments"], Json({"api", "v1", "actors", "A#1", "block"}));
    EXPECT_EQ(echo["query"]["x"], "a b");
    EXPECT_EQ(echo["body"], "hi");
  }
}

TEST(HttpServer, answersLaterFromAnotherThread) {
  RunningServer server([](HttpRequest&&, Responder respond) {
    std::thread([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      respond(HttpResponse{202, "text/plain", "later", {}});
    }).detach();
  });
  testing::HttpClient client("127.0.0.1", server.port());
  testing::HttpResult result = client.get("/");
  EXPECT_EQ(result.status, 202);
  EXPECT_EQ(result.body, "later");
}

TEST(HttpServer, refusesBodiesOverTheLimitWith413) {
  int handled = 0;
  RunningServer server([&](HttpRequest&&, Responder respond) {
    ++handled;
    respond(HttpResponse{});
  });
  testing::HttpClient client("127.0.0.1", server.port());
  testing::HttpResult result = client.post("/x", std::string(5000, 'a'));
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(result.json()["error"]["code"], "payload_too_large");
  EXPECT_EQ(handled, 0);
  EXPECT_EQ(client.post("/x", "small").status, 200);
}

// A body several times what the server reads at once, then smaller ones on the same connection
// (its buffer shrinks between them): the handler sees every byte, in order.
TEST(HttpServer, readsLargeBodiesWholeAndSmallOnesAfterThem) {
  RunningServer server(
      [](HttpRequest&& request, Responder respond) {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < request.body.size(); ++i) {
          sum += static_cast<unsigned char>(request.body[i]) * (i % 251 + 1);
        }
        const std::string answer = std::to_string(request.body.size()) + " " + std::to_string(sum);
        respond(HttpResponse{200, "text/plain", answer, {}});
      },
      /*maxBody=*/8u << 20);
  testing::HttpClient client("127.0.0.1", server.port());
  for (const std::size_t size : {std::size_t{5} << 20, std::size_t{300'000}, std::size_t{2}}) {
    std::string body(size, ' ');
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < size; ++i) {
      body[i] = static_cast<char>('a' + (i * 13 + i / 4093) % 26);
      sum += static_cast<unsigned char>(body[i]) * (i % 251 + 1);
    }
    testing::HttpResult result = client.post("/x", body);
    ASSERT_EQ(result.status, 200);
    EXPECT_EQ(result.body, std::to_string(size) + " " + std::to_string(sum));
  }
}

// Chunked bodies arriving a few bytes at a time, the last chunk split as "0\r\n", "\r", "\n":
// Beast 1.74 asserted on that (a build with assertions stopped); each is answered whole.
TEST(HttpServer, readsChunkedBodiesThatArriveAFewBytesAtATime) {
  RunningServer server([](HttpRequest&& request, Responder respond) {
    respond(HttpResponse{200, "text/plain", "[" + request.body + "]", {}});
  });
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  const auto send = [&](const std::string& bytes) {
    asio::write(socket, asio::buffer(bytes));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  const auto answer = [&] {
    asio::streambuf reply;
    asio::read_until(socket, reply, "]");
    return std::string(asio::buffers_begin(reply.data()), asio::buffers_end(reply.data()));
  };
  const std::string head = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{head, "0\r\n", "\r", "\n"}, "[]"},
      {{head, "5\r\nab", "cde\r\n", "0", "\r\n\r", "\n"}, "[abcde]"},
      {{head + "3\r\nxyz\r\n0\r\n\r\n"}, "[xyz]"}};
  for (const auto& [parts, body] : cases) {
    for (const std::string& part : parts) send(part);
    const std::string reply = answer();
    EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos) << reply;
    EXPECT_EQ(reply.substr(reply.rfind('[')), body);
  }
  testing::HttpClient client("127.0.0.1", server.port());
  EXPECT_EQ(client.post("/x", "still").body, "[still]");
}

TEST(HttpServer, aTakenPortIsAClearError) {
  RunningServer first([](HttpRequest&&, Responder respond) { respond(HttpResponse{}); });
  try {
    HttpServer second(HttpServerOptions{.address = "127.0.0.1", .port = first.port()},
                      [](HttpRequest&&, Responder) {});
    FAIL() << "bound a taken port";
  } catch (const Error& error) {
    EXPECT_NE(error.message().find("cannot listen on 127.0.0.1"), std::string::npos);
  }
}

}  // namespace
}  // namespace pledge::server
