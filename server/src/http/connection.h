// The connections of HttpServer, private to http/: the server's shared State and one Connection
// per accepted socket, a template over a plain TCP stream or TLS over one (so that both read,
// answer and close the same way). Included by http_server.cpp only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <type_traits>

#include <fmt/format.h>

#include "http/http_message.h"
#include "pledge/error.h"
#include "pledge/server/http/http_server.h"
#include "pledge/text.h"

namespace pledge::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Most of a request body read in one system call, and what an idle connection's buffer keeps.
constexpr std::uint64_t kMaxReadAtOnce = 1u << 20;
// The shortest last chunk of a chunked body, and what one read of a chunked body asks for.
constexpr std::size_t kLastChunkBytes = 5;
constexpr std::size_t kChunkRead = 64 * 1024;
constexpr std::size_t kIdleBufferBytes = 64u << 10;

// The TCP stream under a connection's stream.
inline beast::tcp_stream& lowest(beast::tcp_stream& stream) { return stream; }
inline beast::tcp_stream& lowest(TlsStream& stream) { return stream.next_layer(); }

class SessionBase;

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
  HttpServerOptions options;
  HttpHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::signal_set signals{io, SIGINT, SIGTERM};
  std::function<void()> shutdownHook;
  std::atomic<bool> stopping{false};
  std::mutex sessionsMutex;
  std::set<std::weak_ptr<SessionBase>, std::owner_less<std::weak_ptr<SessionBase>>> sessions;
  // TLS: the context new connections use; SIGHUP loads the files again (tlsMutex guards it).
  std::mutex tlsMutex;
  std::shared_ptr<ssl::context> tls;
  asio::signal_set reloadSignals{io};
  // Sessions alive (a Session counts itself in and out).
  std::atomic<std::size_t> openSessions{0};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  void accept();
  void reloadTlsOnSignal();
  void beginStop();
  // Stops the I/O threads once no connection is open, or at the deadline.
  void drainUntil(std::chrono::steady_clock::time_point deadline);
};

// What the server holds of a connection, whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it waits for a request; one that is being answered closes after.
  virtual void closeWhenIdle() = 0;
};

// One connection: reads a request, hands it to the handler, writes the answer, repeats. Runs on
// its strand; the handler may answer from any thread. Stream is a plain TCP stream, or TLS over
// one (the handshake comes first, within the header timeout).
template <typename Stream>
class Connection : public SessionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <typename... TlsContext>
  Connection(tcp::socket socket, std::shared_ptr<HttpServer::State> server, TlsContext&... tls)
      : stream_(std::move(socket), tls...), server_(std::move(server)) {
    ++server_->openSessions;
  }
  ~Connection() override { --server_->openSessions; }

  void start() {
    handshakeThen([](Connection& self) { self.read(); });
  }

  // Answers 503 at once and closes: the server holds as many connections as it may.
  void refuse() {
    handshakeThen([](Connection& self) {
      self.keepAlive_ = false;
      self.write(errorResponse(
          Error(ErrorCode::Unavailable,
                fmt::format("the server holds its limit of {} connections; retry later",
                            self.server_->options.maxConnections))));
    });
  }

  void keepContext(std::shared_ptr<ssl::context> context) { context_ = std::move(context); }

  void closeWhenIdle() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->busy_) self->close();
    });
  }

 private:
  using std::enable_shared_from_this<Connection<Stream>>::shared_from_this;

  beast::tcp_stream& tcpStream() { return lowest(stream_); }

  // Runs next once the connection may carry HTTP: at once, or after the TLS handshake (a
  // failed one closes the connection).
  template <typename Next>
  void handshakeThen(Next next) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      tcpStream().expires_after(server_->options.headerTimeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = shared_from_this(), next](beast::error_code ec) {
                                if (ec) {
                                  spdlog::debug("TLS handshake failed: {}", ec.message());
                                  return self->close();
                                }
                                next(*self);
                              });
    } else {
      next(*this);
    }
  }

  void read() {
    if (closing_) {
      close();
      return;
    }
    parser_.emplace();
    parser_->body_limit(server_->options.maxBodyBytes);
    if (buffer_.size() > 0) return readHeader();  // a pipelined request has begun already
    if (buffer_.capacity() > kIdleBufferBytes) buffer_.shrink_to_fit();  // idle: hold little
    // Idle: wait for the first byte of the next request.
    tcpStream().expires_after(server_->options.idleTimeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->onRead(ec);
                              self->buffer_.commit(n);
                              self->readHeader();
                            });
  }

  void readHeader() {
    tcpStream().expires_after(server_->options.headerTimeout);
    http::async_read_header(
        stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec || self->parser_->is_done()) return self->onRead(ec);
          self->roomForBody();
          self->tcpStream().expires_after(self->server_->options.bodyTimeout);
          if (self->parser_->chunked()) return self->readChunkedBody();
          http::async_read(
              self->stream_, self->buffer_, *self->parser_,
              [self](beast::error_code bodyError, std::size_t) { self->onRead(bodyError); });
        });
  }

  // A chunked body, read here rather than by http::async_read: Beast 1.74 asserts, in a build
  // with assertions, when it resumes the last chunk from fewer than 5 bytes (boostorg/beast
  // #2861, fixed in Boost 1.86), so a client that sent "0\r\n" and then "\r" stopped the
  // server. The last chunk is at least 5 bytes ("0\r\n\r\n") and Beast takes none of it until
  // it is whole, so fewer than 5 bytes left over never end a body: they wait for more.
  void readChunkedBody() {
    while (buffer_.size() >= kLastChunkBytes) {
      beast::error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (parser_->is_done()) return onRead({});
      if (ec == http::error::need_more || (!ec && used == 0)) break;
      if (ec) return onRead(ec);
    }
    stream_.async_read_some(buffer_.prepare(kChunkRead),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->onRead(ec);
                              self->buffer_.commit(n);
                              self->readChunkedBody();
                            });
  }

  // Beast reads into what the buffer holds beyond what is in it (at least 512 bytes): left at
  // its first 4 KB, a runner's release of hundreds of KB took a system call (and a timer reset)
  // per 4 KB. Sized to the announced body, what has arrived is read in one call.
  void roomForBody() {
    const std::uint64_t length = parser_->content_length().value_or(0);
    buffer_.reserve(buffer_.size() + std::min<std::uint64_t>(length, kMaxReadAtOnce));
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      close();
      return;
    }
    if (ec == http::error::body_limit) {
      keepAlive_ = false;
      write(errorResponse(Error(ErrorCode::PayloadTooLarge,
                                fmt::format("the request body is larger than the limit of {} bytes",
                                            server_->options.maxBodyBytes))));
      return;
    }
    if (ec) {
      keepAlive_ = false;
      write(errorResponse(Error(ErrorCode::BadRequest, "malformed HTTP request: " + ec.message())));
      return;
    }
    http::request<http::string_body> message = parser_->release();
    keepAlive_ = message.keep_alive();
    const std::string target(message.target());
    std::optional<HttpRequest> parsed = toRequest(message);
    if (!parsed) {
      write(errorResponse(Error(ErrorCode::BadRequest,
                                "malformed request target: \"" + quoteInput(target) + "\"")));
      return;
    }
    HttpRequest request = std::move(*parsed);
    request.post = [self = shared_from_this()](std::function<void()> work) {
      // What runs on an I/O thread must not throw: that would end the thread (and the server).
      asio::post(self->stream_.get_executor(), [work = std::move(work)] {
        try {
          work();
        } catch (const std::exception& error) {
          spdlog::error("work handed to a connection failed: {}", toValidUtf8(error.what()));
        }
      });
    };
    request.onAbandoned = [self = shared_from_this()](std::function<void()> hook) {
      asio::post(self->stream_.get_executor(), [self, hook = std::move(hook)]() mutable {
        if (self->abandoned_) {
          hook();
        } else if (self->busy_ && !self->answered_) {
          self->abandonHook_ = std::move(hook);
        }
      });
    };
    busy_ = true;
    answered_ = false;
    tcpStream().expires_never();
    watchForClose();
    auto self = shared_from_this();
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Responder respond = [self, answered, target = request.target](HttpResponse response) {
      if (answered->exchange(true)) {
        spdlog::error("a second answer to {} was dropped", quoteInput(target));
        return;
      }
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    };
    try {
      server_->handler(std::move(request), respond);
    } catch (const std::exception& error) {
      spdlog::error("a request handler failed: {}", toValidUtf8(error.what()));
      respond(errorResponse(Error(ErrorCode::Internal, error.what())));
    }
  }

  // While a request is handled: notices the client closing its connection (the socket turns
  // readable and has nothing to read), so that a parked request can be abandoned.
  void watchForClose() {
    tcpStream().socket().async_wait(
        tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
          if (ec || self->answered_) return;  // cancelled: the answer is being written
          if (!self->peerClosed())
            return;  // the client sent more (pipelining): the next read takes it
          self->abandoned_ = true;
          if (self->abandonHook_) {
            auto hook = std::move(self->abandonHook_);
            self->abandonHook_ = nullptr;
            hook();
          }
        });
  }

  // Whether the client has closed its side (or the connection broke): nothing to read, at once.
  bool peerClosed() {
    char byte = 0;
    // (With TLS a closing client's alert counts as something to read: its parked request then
    // waits for its own timeout.)
    const ssize_t n =
        ::recv(tcpStream().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

  void write(HttpResponse response) {
    busy_ = true;
    answered_ = true;
    abandonHook_ = nullptr;
    beast::error_code ignored;
    tcpStream().socket().cancel(ignored);  // the close watch
    if (response.undelivered && (abandoned_ || peerClosed())) {
      // Written now it would vanish (the client is gone): hand back what it carries.
      response.undelivered();
      busy_ = false;
      close();
      return;
    }
    undelivered_ = std::move(response.undelivered);
    if (response.status < 100 || response.status > 599) {
      spdlog::error("a handler answered the invalid status {}", response.status);
      response = errorResponse(Error(ErrorCode::Internal, "the server built an invalid answer"));
    }
    response_.emplace(static_cast<http::status>(response.status), 11);
    response_->set(http::field::server, "pledge-server");
    response_->set(http::field::content_type, response.contentType);
    for (const auto& [name, value] : response.headers) response_->set(name, value);
    response_->body() = std::move(response.body);
    response_->keep_alive(keepAlive_ && !closing_ && !server_->stopping);
    response_->prepare_payload();
    tcpStream().expires_after(server_->options.bodyTimeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->busy_ = false;
                        if (ec && self->undelivered_) self->undelivered_();
                        self->undelivered_ = nullptr;
                        const bool keep = !ec && self->response_->keep_alive();
                        self->response_.reset();
                        if (keep) {
                          self->read();
                        } else {
                          self->close();
                        }
                      });
  }

  void close() {
    beast::error_code ignored;
    tcpStream().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcpStream().close();
  }

  // Declared first, so that the stream goes before the TLS context it uses.
  std::shared_ptr<ssl::context> context_;
  Stream stream_;
  std::shared_ptr<HttpServer::State> server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  bool keepAlive_ = true;
  bool busy_ = false;
  bool closing_ = false;
  // The request being handled was answered; the client went away before that.
  bool answered_ = false;
  bool abandoned_ = false;
  std::function<void()> abandonHook_;
  std::function<void()> undelivered_;
};

}  // namespace pledge::server
