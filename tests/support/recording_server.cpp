#include "recording_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace pledge::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct RecordingServer::State {
  void acceptLoop() {
    while (true) {
      auto socket = std::make_shared<tcp::socket>(io);
      beast::error_code ec;
      acceptor.accept(*socket, ec);
      if (stopping || ec) return;
      std::lock_guard lock(mutex);
      sockets.push_back(socket);
      threads.emplace_back([this, socket] { serve(*socket); });
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
        std::lock_guard lock(mutex);
        received[target].push_back(request.body());
        if (target == "/api/v1/cluster") {
          response.body() = R"({"nodes":[]})";
        } else if (auto known = answers.find(target); known != answers.end()) {
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

  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};
  std::thread acceptThread;
  std::mutex mutex;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::vector<std::thread> threads;
  std::map<std::string, std::pair<int, std::string>> answers;
  std::map<std::string, std::vector<std::string>> received;
};

RecordingServer::RecordingServer() : state_(std::make_unique<State>()) {
  tcp::acceptor& acceptor = state_->acceptor;
  acceptor.open(tcp::v4());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  acceptor.listen();
  state_->acceptThread = std::thread([state = state_.get()] { state->acceptLoop(); });
}

RecordingServer::~RecordingServer() {
  state_->stopping = true;
  beast::error_code ignored;
  tcp::socket poke(state_->io);
  poke.connect(state_->acceptor.local_endpoint(), ignored);
  state_->acceptThread.join();
  std::lock_guard lock(state_->mutex);
  for (auto& socket : state_->sockets) socket->shutdown(tcp::socket::shutdown_both, ignored);
  for (std::thread& thread : state_->threads) thread.join();
}

std::string RecordingServer::url() const {
  return "http://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port());
}

void RecordingServer::answer(const std::string& target, std::string body, int status) {
  std::lock_guard lock(state_->mutex);
  state_->answers[target] = {status, std::move(body)};
}

std::vector<std::string> RecordingServer::bodies(const std::string& target) {
  std::lock_guard lock(state_->mutex);
  return state_->received[target];
}

}  // namespace pledge::testing
