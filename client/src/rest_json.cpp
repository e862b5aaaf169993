#include "rest_json.h"

#include <fmt/format.h>

#include <cctype>

#include "pledge/limits.h"

namespace pledge {

Error errorFromResponse(int status, const std::string& body) {
  limits::Ignored written;  // by a server
  try {
    Json parsed = parseJson(body);
    if (parsed.is_object() && parsed.contains("error")) {
      const Json& error = parsed["error"];
      return errorFromObject(error, body);
    }
  } catch (const Error&) {
  }
  return Error(status == 404 ? ErrorCode::NotFound : ErrorCode::Internal,
               fmt::format("HTTP {}: {}", status, body.substr(0, 500)));
}

std::string urlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace pledge
