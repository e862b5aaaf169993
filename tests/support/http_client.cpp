#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

namespace pledge::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct HttpClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::string host, std::uint16_t port)
    : host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() {
  if (connection_) {
    beast::error_code ignored;
    connection_->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  }
}

HttpResult HttpClient::get(const std::string& target) { return request("GET", target, ""); }

HttpResult HttpClient::post(const std::string& target, const std::string& body) {
  return request("POST", target, body);
}

void HttpClient::setHeader(const std::string& name, const std::string& value) {
  if (value.empty()) {
    headers_.erase(name);
  } else {
    headers_[name] = value;
  }
}

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connection_) {
      connection_ = std::make_unique<Connection>();
      asio::ip::tcp::resolver resolver(connection_->io);
      connection_->stream.connect(resolver.resolve(host_, std::to_string(port_)));
      connection_->stream.socket().set_option(asio::ip::tcp::no_delay(true));
    }
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, host_);
    req.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers_) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    beast::error_code ec;
    http::write(connection_->stream, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    if (!ec) http::read(connection_->stream, connection_->buffer, parser, ec);
    if (ec) {
      // A keep-alive connection the server closed: try once more on a new one.
      connection_.reset();
      if (attempt == 0) continue;
      throw std::runtime_error("HTTP " + method + " " + target + ": " + ec.message());
    }
    auto response = parser.release();
    HttpResult result;
    result.status = static_cast<int>(response.result_int());
    result.contentType = std::string(response[http::field::content_type]);
    for (const auto& field : response) {
      result.headers[std::string(field.name_string())] = std::string(field.value());
    }
    result.body = std::move(response.body());
    if (!response.keep_alive()) connection_.reset();
    return result;
  }
  throw std::runtime_error("unreachable");
}

}  // namespace pledge::testing
