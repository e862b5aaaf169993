#include "http_transport.h"

#include <cpprest/http_client.h>
#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "pledge/error.h"

namespace pledge {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// A pooled connection unused for longer than this is closed rather than reused: the server (or
// a proxy on the way) may have closed it meanwhile.
constexpr std::chrono::seconds kIdleReuseLimit{30};
// Largest answer read (a long process list of the console's API is a few MiB).
constexpr std::uint64_t kMaxAnswerBytes = 512ull << 20;
// Most read at once. Beast reads into what its buffer holds beyond what is in it (at least 512
// bytes), so a buffer left at its first size reads a poll's answer of hundreds of KB a few KB
// per system call; sized to the announced length it reads what has arrived in one call.
constexpr std::size_t kMaxReadAtOnce = 1u << 20;

struct ParsedUrl {
  bool https = false;
  std::string host;
  std::string port;
  std::string prefix;  // path prefix without a trailing '/', may be empty
};

ParsedUrl parseUrl(const std::string& url) {
  ParsedUrl parsed;
  std::string_view rest = url;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    parsed.https = true;
    rest.remove_prefix(8);
  } else {
    throw Error(ErrorCode::BadRequest, "expected a URL starting with http:// or https://");
  }
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.size() < rest.size()) parsed.prefix = std::string(rest.substr(authority.size()));
  while (!parsed.prefix.empty() && parsed.prefix.back() == '/') parsed.prefix.pop_back();
  std::string_view host = authority;
  std::string_view port;
  if (host.starts_with('[')) {  // [IPv6]:port
    const std::size_t close = host.find(']');
    PLEDGE_REQUIRE(close != std::string_view::npos, "unclosed '[' in the host");
    if (close + 1 < host.size()) {
      PLEDGE_REQUIRE(host[close + 1] == ':', "expected ':port' after the IPv6 address");
      port = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  PLEDGE_REQUIRE(!host.empty(), "the host is empty");
  for (char c : port) {
    PLEDGE_REQUIRE(c >= '0' && c <= '9', "port \"{}\" is not a number", port);
  }
  parsed.host = std::string(host);
  parsed.port = port.empty() ? (parsed.https ? "443" : "80") : std::string(port);
  return parsed;
}

// The request failed on a reused connection before any byte of an answer arrived: the peer had
// most likely closed the idle connection, so the request can go again on a new one.
struct StaleConnection : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// http:// through Boost.Beast, each request driven to completion in the calling thread.
class BeastTransport final : public Transport {
 public:
  BeastTransport(ParsedUrl url, const TransportOptions& options)
      : url_(std::move(url)),
        authorization_(options.token.empty() ? "" : "Bearer " + options.token),
        hostHeader_(url_.host.find(':') != std::string::npos
                        ? fmt::format("[{}]:{}", url_.host, url_.port)
                        : fmt::format("{}:{}", url_.host, url_.port)),
        timeout_(options.timeout) {}

  HttpAnswer send(std::string_view method, std::string_view path,
                  const std::optional<std::string>& body) override {
    std::unique_ptr<Connection> connection = take();
    const bool reused = connection->open;
    HttpAnswer answer;
    bool keepAlive = false;
    try {
      keepAlive = exchange(*connection, method, path, body, reused, answer);
    } catch (const StaleConnection&) {
      connection = std::make_unique<Connection>();
      keepAlive = exchange(*connection, method, path, body, /*reused=*/false, answer);
    }
    if (keepAlive) giveBack(std::move(connection));
    return answer;
  }

 private:
  struct Connection {
    asio::io_context io;
    beast::tcp_stream stream{io};
    beast::flat_buffer buffer;
    bool open = false;
    Clock::time_point lastUsed;
  };

  std::unique_ptr<Connection> take() {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    while (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (now - connection->lastUsed < kIdleReuseLimit) return connection;
    }
    return std::make_unique<Connection>();
  }

  void giveBack(std::unique_ptr<Connection> connection) {
    connection->lastUsed = Clock::now();
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }

  // Runs the queued asynchronous operations until they are done or the deadline passed.
  static void drive(Connection& connection) {
    connection.io.restart();
    connection.io.run();
  }

  void connect(Connection& connection) {
    tcp::resolver resolver(connection.io);
    beast::error_code ec;
    const tcp::resolver::results_type endpoints = resolver.resolve(url_.host, url_.port, ec);
    if (ec) {
      throw Error(ErrorCode::Unavailable,
                  fmt::format("cannot resolve {}: {}", url_.host, ec.message()));
    }
    connection.stream.expires_after(timeout_);
    connection.stream.async_connect(
        endpoints, [&](beast::error_code error, const tcp::endpoint&) { ec = error; });
    drive(connection);
    if (ec) {
      throw Error(ErrorCode::Unavailable,
                  fmt::format("cannot connect to {}: {}", hostHeader_, ec.message()));
    }
    connection.stream.socket().set_option(tcp::no_delay(true), ec);
    connection.open = true;
  }

  // A chunked body, fed to the parser here rather than by http::async_read: Beast 1.74 asserts,
  // in a build with assertions, when it resumes the last chunk from fewer than 5 bytes
  // (boostorg/beast#2861, fixed in Boost 1.86), which a proxy passing the answer on in small
  // pieces could cause. The last chunk is at least 5 bytes ("0\r\n\r\n") and Beast takes none
  // of it until it is whole, so fewer than 5 bytes left over never end a body: they wait for
  // more. (pledge-server reads chunked requests the same way.)
  static void readChunkedBody(Connection& connection,
                              http::response_parser<http::string_body>& parser,
                              beast::error_code& readError) {
    constexpr std::size_t kLastChunkBytes = 5;
    while (connection.buffer.size() >= kLastChunkBytes) {
      beast::error_code ec;
      const std::size_t used = parser.put(connection.buffer.data(), ec);
      connection.buffer.consume(used);
      if (parser.is_done()) return;
      if (ec == http::error::need_more || (!ec && used == 0)) break;
      if (ec) {
        readError = ec;
        return;
      }
    }
    connection.stream.async_read_some(
        connection.buffer.prepare(kMaxReadAtOnce),
        [&connection, &parser, &readError](beast::error_code ec, std::size_t n) {
          if (ec) {
            readError = ec == asio::error::eof ? http::error::partial_message : ec;
            return;
          }
          connection.buffer.commit(n);
          readChunkedBody(connection, parser, readError);
        });
  }

  // One request and its answer; whether the connection may carry another one.
  bool exchange(Connection& connection, std::string_view method, std::string_view path,
                const std::optional<std::string>& body, bool reused, HttpAnswer& answer) {
    if (!connection.open) connect(connection);
    // The body is sent from where it is: a span, not a copy (the caller keeps it for a retry).
    http::request<http::span_body<const char>> request;
    request.method_string(beast::string_view(method.data(), method.size()));
    request.target(url_.prefix.empty() ? std::string(path) : url_.prefix + std::string(path));
    request.version(11);
    request.set(http::field::host, hostHeader_);
    request.set(http::field::user_agent, "pledge-client");
    if (!authorization_.empty()) request.set(http::field::authorization, authorization_);
    if (body) {
      request.set(http::field::content_type, "application/json");
      request.body() = {body->data(), body->size()};
    }
    request.prepare_payload();

    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxAnswerBytes);
    beast::error_code writeError;
    beast::error_code readError;
    connection.stream.expires_after(timeout_);
    http::async_write(connection.stream, request, [&](beast::error_code ec, std::size_t) {
      writeError = ec;
      if (ec) return;
      http::async_read_header(
          connection.stream, connection.buffer, parser, [&](beast::error_code error, std::size_t) {
            readError = error;
            if (error || parser.is_done()) return;
            if (parser.chunked()) return readChunkedBody(connection, parser, readError);
            const std::uint64_t length = parser.content_length().value_or(kMaxReadAtOnce);
            connection.buffer.reserve(connection.buffer.size() +
                                      std::min<std::uint64_t>(length, kMaxReadAtOnce));
            http::async_read(
                connection.stream, connection.buffer, parser,
                [&](beast::error_code bodyError, std::size_t) { readError = bodyError; });
          });
    });
    drive(connection);
    if (writeError || readError) {
      connection.open = false;
      const beast::error_code& ec = writeError ? writeError : readError;
      if (reused && ec != beast::error::timeout && !parser.got_some()) {
        throw StaleConnection(ec.message());
      }
      const std::string why = ec == beast::error::timeout
                                  ? fmt::format("no answer within {} ms", timeout_.count())
                                  : ec.message();
      throw Error(ErrorCode::Unavailable,
                  fmt::format("{} {}{}: {}", method, hostHeader_, path, why));
    }
    http::response<http::string_body> message = parser.release();
    answer.status = static_cast<int>(message.result_int());
    answer.body = std::move(message.body());
    if (!message.keep_alive()) {
      beast::error_code ignored;
      connection.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      connection.open = false;
      return false;
    }
    return true;
  }

  const ParsedUrl url_;
  const std::string authorization_;
  const std::string hostHeader_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// https:// through cpprestsdk (TLS, certificate checks), one pooled client.
class CppRestTransport final : public Transport {
 public:
  CppRestTransport(const std::string& url, const TransportOptions& options)
      : url_(url), authorization_(options.token.empty() ? "" : "Bearer " + options.token) {
    web::http::client::http_client_config config;
    config.set_timeout(options.timeout);
    if (!options.caFile.empty()) {
      config.set_ssl_context_callback([caFile = options.caFile](asio::ssl::context& context) {
        context.load_verify_file(caFile);
      });
    }
    client_ = std::make_unique<web::http::client::http_client>(url, config);
  }

  HttpAnswer send(std::string_view method, std::string_view path,
                  const std::optional<std::string>& body) override {
    web::http::http_request request{std::string(method)};
    request.set_request_uri(std::string(path));
    if (!authorization_.empty()) request.headers().add("Authorization", authorization_);
    if (body) request.set_body(*body, "application/json");
    try {
      web::http::http_response response = client_->request(request).get();
      return HttpAnswer{response.status_code(), response.extract_string(true).get()};
    } catch (const std::exception& error) {
      // (A certificate that is not trusted, or a name that does not match it, ends up here.)
      const std::string what = error.what();
      const bool tls =
          what.find("SSL") != std::string::npos || what.find("certificate") != std::string::npos;
      throw Error(ErrorCode::Unavailable,
                  fmt::format("{} {}{}: {}{}", method, url_, path, what,
                              tls ? " (is the server's certificate signed by a CA this client "
                                    "trusts, for its name? pass the CA's PEM file with --ca, "
                                    "ca: or RestClientOptions::caFile)"
                                  : ""));
    }
  }

 private:
  const std::string url_;
  const std::string authorization_;
  std::unique_ptr<web::http::client::http_client> client_;
};

}  // namespace

std::unique_ptr<Transport> makeTransport(const std::string& baseUrl,
                                         const TransportOptions& options) {
  ParsedUrl url = parseUrl(baseUrl);
  if (url.https) return std::make_unique<CppRestTransport>(baseUrl, options);
  return std::make_unique<BeastTransport>(std::move(url), options);
}

std::unique_ptr<Transport> makeTransport(const std::string& baseUrl,
                                         std::chrono::milliseconds timeout) {
  return makeTransport(baseUrl, TransportOptions{.timeout = timeout});
}

}  // namespace pledge
