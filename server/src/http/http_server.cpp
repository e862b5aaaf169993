#include "pledge/server/http/http_server.h"

#include <boost/asio/ssl.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "http/connection.h"
#include "pledge/error.h"
#include "pledge/text.h"

namespace pledge::server {
namespace {

// A graceful stop waits this long for in-flight requests.
constexpr std::chrono::seconds kDrainTimeout{20};

// A TLS context from PEM files: the certificate chain and its private key. Throws Error naming
// the file that cannot be used.
std::shared_ptr<ssl::context> loadTls(const std::string& certFile, const std::string& keyFile) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  beast::error_code ec;
  context->use_certificate_chain_file(certFile, ec);
  if (ec) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("--tls-cert {}: not a PEM certificate chain ({})", certFile,
                            ec.message()));
  }
  context->use_private_key_file(keyFile, ssl::context::pem, ec);
  if (ec) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("--tls-key {}: not the PEM private key of --tls-cert ({})", keyFile,
                            ec.message()));
  }
  return context;
}

}  // namespace

void HttpServer::State::accept() {
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](beast::error_code ec,
                                                                          tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted) spdlog::warn("accept failed: {}", ec.message());
      if (!self->stopping) self->accept();
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const bool full = self->openSessions.load() >= self->options.maxConnections;
    auto begin = [&self, full](auto session) {
      {
        std::lock_guard lock(self->sessionsMutex);
        for (auto it = self->sessions.begin(); it != self->sessions.end();) {
          it = it->expired() ? self->sessions.erase(it) : std::next(it);
        }
        self->sessions.insert(session);
      }
      if (full) {
        session->refuse();
      } else {
        session->start();
      }
    };
    std::shared_ptr<ssl::context> context;
    {
      std::lock_guard lock(self->tlsMutex);
      context = self->tls;
    }
    if (context) {
      // (The session keeps the context it was made with alive: a reload swaps in another.)
      auto session = std::make_shared<Connection<TlsStream>>(std::move(socket), self, *context);
      session->keepContext(std::move(context));
      begin(std::move(session));
    } else {
      begin(std::make_shared<Connection<beast::tcp_stream>>(std::move(socket), self));
    }
    if (!self->stopping) self->accept();
  });
}

void HttpServer::State::beginStop() {
  if (stopping.exchange(true)) return;
  asio::post(io, [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor.close(ignored);
    self->signals.cancel(ignored);
    self->reloadSignals.cancel(ignored);
    std::vector<std::shared_ptr<SessionBase>> open;
    {
      std::lock_guard lock(self->sessionsMutex);
      for (const auto& weak : self->sessions) {
        if (auto session = weak.lock()) open.push_back(std::move(session));
      }
    }
    for (auto& session : open) session->closeWhenIdle();
    self->work.reset();
    self->drainUntil(std::chrono::steady_clock::now() + kDrainTimeout);
  });
}

void HttpServer::State::drainUntil(std::chrono::steady_clock::time_point deadline) {
  bool open = false;
  {
    std::lock_guard lock(sessionsMutex);
    for (const auto& weak : sessions) open = open || !weak.expired();
  }
  // Whatever has not answered by the deadline is cut off.
  if (!open || std::chrono::steady_clock::now() >= deadline) {
    io.stop();
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(20));
  timer->async_wait([self = shared_from_this(), timer, deadline](beast::error_code) {
    self->drainUntil(deadline);
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  state_->handler = std::move(handler);
  beast::error_code ec;
  auto address = asio::ip::make_address(state_->options.address, ec);
  if (ec) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("--address {}: not an IP address", state_->options.address));
  }
  tcp::endpoint endpoint(address, state_->options.port);
  state_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) state_->acceptor.bind(endpoint, ec);
  if (!ec) state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw Error(ErrorCode::Unavailable,
                fmt::format("cannot listen on {}:{}: {} (is another server using the port? pick "
                            "another with --port)",
                            state_->options.address, state_->options.port, ec.message()));
  }
  if (!state_->options.tlsCert.empty()) {
    state_->tls = loadTls(state_->options.tlsCert, state_->options.tlsKey);
    state_->reloadSignals.add(SIGHUP);
  }
}

void HttpServer::State::reloadTlsOnSignal() {
  reloadSignals.async_wait([self = shared_from_this()](beast::error_code ec, int) {
    if (ec) return;
    try {
      std::shared_ptr<ssl::context> fresh = loadTls(self->options.tlsCert, self->options.tlsKey);
      {
        std::lock_guard lock(self->tlsMutex);
        self->tls = std::move(fresh);
      }
      spdlog::info("SIGHUP: TLS certificate {} loaded again; new connections use it",
                   self->options.tlsCert);
    } catch (const Error& error) {
      spdlog::error("SIGHUP: {}; connections keep the certificate loaded before",
                    error.message());
    }
    if (!self->stopping) self->reloadTlsOnSignal();
  });
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const { return state_->acceptor.local_endpoint().port(); }

std::size_t HttpServer::connections() const { return state_->openSessions.load(); }

void HttpServer::onShutdownSignal(std::function<void()> hook) {
  state_->shutdownHook = std::move(hook);
}

void HttpServer::run() {
  auto state = state_;
  state->work.emplace(state->io.get_executor());
  state->signals.async_wait([state](beast::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping gracefully", signal);
    // The hook may block (it flushes the engine); run it off the I/O threads.
    std::thread([state] {
      if (state->shutdownHook) state->shutdownHook();
      state->beginStop();
    }).detach();
  });
  state->accept();
  if (state->tls) state->reloadTlsOnSignal();
  // A handler that throws ends io.run(); log it and go on serving.
  auto serve = [state] {
    while (true) {
      try {
        state->io.run();
        return;
      } catch (const std::exception& error) {
        spdlog::error("an I/O handler failed: {}", toValidUtf8(error.what()));
      }
    }
  };
  std::vector<std::thread> extra;
  for (int i = 1; i < state->options.threads; ++i) extra.emplace_back(serve);
  serve();
  for (auto& thread : extra) thread.join();
}

void HttpServer::stop() { state_->beginStop(); }


}  // namespace pledge::server
