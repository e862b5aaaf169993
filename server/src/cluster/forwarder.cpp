#include "pledge/server/cluster/forwarder.h"

#include <boost/asio/ssl/context.hpp>
#include <cpprest/http_client.h>

#include <map>
#include <mutex>

#include <fmt/format.h>

#include <spdlog/spdlog.h>

#include "pledge/error.h"

namespace pledge::server {

namespace http = web::http;

struct Forwarder::State {
  std::string nodeName;
  std::string nodeToken;
  std::string caFile;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<http::client::http_client>> clients;

  std::shared_ptr<http::client::http_client> clientFor(const std::string& address) {
    std::lock_guard lock(mutex);
    auto& client = clients[address];
    if (!client) {
      http::client::http_client_config config;
      // Long polls of a result may wait up to 5 minutes.
      config.set_timeout(std::chrono::seconds(330));
      if (!caFile.empty()) {
        config.set_ssl_context_callback(
            [file = caFile](boost::asio::ssl::context& context) { context.load_verify_file(file); });
      }
      client = std::make_shared<http::client::http_client>(address, config);
    }
    return client;
  }
};

Forwarder::Forwarder(std::string nodeName, std::string nodeToken, std::string caFile)
    : state_(std::make_unique<State>()) {
  state_->nodeName = std::move(nodeName);
  state_->nodeToken = std::move(nodeToken);
  state_->caFile = std::move(caFile);
}

Forwarder::~Forwarder() = default;

void Forwarder::send(const std::string& address, const std::string& caller,
                     const std::string& method, const std::string& target, std::string body,
                     std::function<void(Result<ForwardedResponse>)> done) {
  std::shared_ptr<http::client::http_client> client;
  try {
    client = state_->clientFor(address);
  } catch (const std::exception& error) {
    done(Error(ErrorCode::Unavailable,
               fmt::format("node {} cannot be reached: {}", address, error.what())));
    return;
  }
  http::http_request request(method);
  request.set_request_uri(target);
  request.headers().add("X-Pledge-Forwarded", state_->nodeName);
  request.headers().add("X-Pledge-Caller", caller);
  if (!state_->nodeToken.empty()) {
    request.headers().add("Authorization", "Bearer " + state_->nodeToken);
  }
  if (!body.empty()) request.set_body(std::move(body), "application/json");
  client->request(request)
      .then([](http::http_response response) {
        return response.extract_string(true).then([response](std::string text) {
          return ForwardedResponse{response.status_code(), response.headers().content_type(),
                                   std::move(text)};
        });
      })
      .then([done = std::move(done), address, client](pplx::task<ForwardedResponse> answered) {
        std::optional<Result<ForwardedResponse>> result;
        try {
          result.emplace(answered.get());
        } catch (const std::exception& error) {
          result.emplace(
              Error(ErrorCode::Unavailable,
                    fmt::format("the owner of this process, node {}, cannot be reached ({}); retry",
                                address, error.what())));
        }
        // Called exactly once; what it throws must not reach cpprestsdk's threads.
        try {
          done(std::move(*result));
        } catch (const std::exception& error) {
          spdlog::error("answering a forwarded request failed: {}", error.what());
        }
      });
}

}  // namespace pledge::server
