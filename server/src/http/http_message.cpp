// Between Beast's messages and the plain structs handlers see: a request's target decoded into
// path segments and query (percentDecode), the parse seam for tests and fuzzing
// (parseHttpRequest), and the error answer (errorResponse).
#include "http/http_message.h"

#include <algorithm>

#include "pledge/json.h"

namespace pledge::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Fills the path segments and the query of request from its target; false when an escape is
// malformed.
bool parseTarget(HttpRequest& request) {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) {
      auto segment = percentDecode(path.substr(start, slash - start));
      if (!segment) return false;
      request.segments.push_back(std::move(*segment));
    }
    start = slash + 1;
  }
  if (target.find('?') == std::string_view::npos) return true;
  std::string_view query = target.substr(target.find('?') + 1);
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    auto equals = pair.find('=');
    auto key = percentDecode(pair.substr(0, equals));
    auto value = percentDecode(equals == std::string_view::npos ? std::string_view()
                                                                : pair.substr(equals + 1));
    if (!key || !value) return false;
    request.query[*key] = *value;
    request.repeatedQuery.emplace(std::move(*key), std::move(*value));
  }
  return true;
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = hexDigit(text[i + 1]);
    int low = hexDigit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::optional<HttpRequest> toRequest(http::request<http::string_body>& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  auto header = [&message](std::string_view name) {
    auto field = message.find(beast::string_view(name.data(), name.size()));
    return field == message.end() ? std::string() : std::string(field->value());
  };
  request.forwardedBy = header("X-Pledge-Forwarded");
  request.forwardedFor = header("X-Pledge-Caller");
  request.authorization = header("Authorization");
  request.origin = header("Origin");
  request.host = header("Host");
  request.body = std::move(message.body());
  if (!parseTarget(request)) return std::nullopt;
  return request;
}

std::optional<HttpRequest> parseHttpRequest(std::string_view bytes, std::size_t maxBodyBytes) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(maxBodyBytes);
  beast::error_code ec;
  std::size_t offset = 0;
  while (!parser.is_done()) {
    // As a connection reads a chunked body: fewer than 5 bytes left never end it (connection.h).
    if (parser.is_header_done() && parser.chunked() && bytes.size() - offset < 5) break;
    const std::size_t used =
        parser.put(asio::buffer(bytes.data() + offset, bytes.size() - offset), ec);
    offset += used;
    if (ec == http::error::need_more) {
      // The bytes end inside the header or body (Beast takes a header only when it is whole).
      if (offset >= bytes.size() || used == 0) break;
      ec = {};
      continue;
    }
    if (ec) return std::nullopt;
    if (used == 0) break;
  }
  if (!parser.is_done()) {
    // (Beast asserts that the header is complete before an end of stream.)
    if (!parser.is_header_done()) return std::nullopt;
    ec = {};
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  http::request<http::string_body> message = parser.release();
  return toRequest(message);
}

HttpResponse errorResponse(const Error& error) {
  return HttpResponse{httpStatus(error.code()), "application/json", errorObjectText(error), {}};
}

}  // namespace pledge::server
