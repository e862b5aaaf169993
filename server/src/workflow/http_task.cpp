#include "workflow/http_task.h"

#include <cpprest/http_client.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "pledge/task_error.h"

namespace pledge::server::workflow {
namespace {

constexpr std::int64_t kDefaultTimeoutMs = 10'000;
constexpr std::int64_t kMaxTimeoutMs = 120'000;
constexpr std::size_t kMaxBodyBytes = 4 << 20;

TaskError bad(const std::string& what) {
  return TaskError("pledge.BadWorkflowInput", "http_request." + what, false);
}

std::string text(const Json& request, const char* key, std::string fallback) {
  if (!request.contains(key) || request[key].is_null()) return fallback;
  if (!request[key].is_string()) throw bad(std::string(key) + ": expected a string");
  return request[key].get<std::string>();
}

std::int64_t millis(const Json& request, const char* key, std::int64_t fallback) {
  if (!request.contains(key) || request[key].is_null()) return fallback;
  if (!request[key].is_number_integer() || request[key].get<std::int64_t>() < 1) {
    throw bad(std::string(key) + ": expected milliseconds");
  }
  return std::min(request[key].get<std::int64_t>(), kMaxTimeoutMs);
}

}  // namespace

Json runHttpTask(const Json& request) {
  if (!request.is_object()) throw bad("expected an object");
  const std::string uri = text(request, "uri", "");
  if (!uri.starts_with("http://") && !uri.starts_with("https://")) {
    throw bad("uri: expected an http:// or https:// URL, got \"" + uri + "\"");
  }
  std::string method = text(request, "method", "GET");
  std::transform(method.begin(), method.end(), method.begin(), ::toupper);
  static const std::vector<std::string> kMethods{"GET", "POST", "PUT", "DELETE", "PATCH",
                                                 "HEAD", "OPTIONS"};
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    throw bad("method: expected GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS");
  }
  const std::int64_t timeoutMs =
      millis(request, "readTimeOut", millis(request, "connectionTimeOut", kDefaultTimeoutMs));
  web::http::client::http_client_config config;
  config.set_timeout(std::chrono::milliseconds(timeoutMs));
  web::http::http_request call(method);
  if (request.contains("headers") && request["headers"].is_object()) {
    for (const auto& [name, value] : request["headers"].items()) {
      call.headers().add(name, value.is_string() ? value.get<std::string>() : dumpJson(value));
    }
  }
  call.headers().add("Accept", text(request, "accept", "application/json"));
  if (request.contains("body") && !request["body"].is_null()) {
    const Json& body = request["body"];
    call.set_body(body.is_string() ? body.get<std::string>() : dumpJson(body),
                  text(request, "contentType", "application/json"));
  }
  const std::string what = method + " " + uri;
  int status = 0;
  std::string reason;
  std::string body;
  Json headers = Json::object();
  try {
    web::http::client::http_client client(uri, config);
    web::http::http_response response = client.request(call).get();
    status = response.status_code();
    reason = response.reason_phrase();
    for (const auto& [name, value] : response.headers()) headers[name] = value;
    body = response.extract_string(true).get();
  } catch (const std::exception& error) {
    throw TaskError("pledge.HttpError", fmt::format("{}: {}", what, error.what()), true);
  }
  if (body.size() > kMaxBodyBytes) {
    throw TaskError("pledge.HttpError",
                    fmt::format("{}: the answer's body is {} bytes, over {}", what, body.size(),
                                kMaxBodyBytes),
                    false);
  }
  if (status < 200 || status > 299) {
    throw TaskError("pledge.HttpStatus",
                    fmt::format("{} answered {} {}: {}", what, status, reason,
                                body.substr(0, 300)),
                    status >= 500 || status == 408 || status == 429);
  }
  Json parsed = body;
  const std::string type = headers.value("Content-Type", headers.value("content-type", ""));
  if (type.find("json") != std::string::npos) {
    try {
      parsed = parseJson(body);
    } catch (const JsonError&) {
      // Kept as text: the server said JSON but sent something else.
    }
  }
  return {{"response",
           {{"statusCode", status}, {"reasonPhrase", reason}, {"headers", std::move(headers)},
            {"body", std::move(parsed)}}}};
}

}  // namespace pledge::server::workflow
