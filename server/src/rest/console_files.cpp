// The web console's static files: GET outside /api and /metrics, from the folder of its built
// assets (RestApiOptions::consoleDir), or a page that explains how to build them.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "pledge/server/rest/rest_api.h"
#include "pledge/text.h"

namespace pledge::server {

void RestApi::serveConsole(const HttpRequest& request, Responder respond) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript"},
      {".css", "text/css"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain"}};
  std::filesystem::path relative;
  for (const std::string& segment : request.segments) {
    if (segment == ".." || segment == "." || segment.find('/') != std::string::npos) {
      return respond(errorResponse(Error(ErrorCode::NotFound, "no such file")));
    }
    relative /= segment;
  }
  const std::filesystem::path root(options_.consoleDir);
  std::filesystem::path file = root / relative;
  std::error_code ec;
  if (relative.empty() || std::filesystem::is_directory(file, ec)) file = root / "index.html";
  if (!std::filesystem::is_regular_file(file, ec) && !relative.has_extension()) {
    file = root / "index.html";
  }
  std::ifstream in(file, std::ios::binary);
  if (options_.consoleDir.empty() || !in) {
    if (relative.empty()) {
      return respond(HttpResponse{
          200,
          "text/html; charset=utf-8",
          "<!doctype html><title>Pledge</title><h1>pledge-server</h1><p>The web console's assets "
          "were not found" +
              (options_.consoleDir.empty() ? std::string() : " in " + options_.consoleDir) +
              ". Build them (scripts/setup installs Node.js; cmake builds the console) or start "
              "with --console-dir.</p><p>The REST API is at <a href=\"/api/v1/openapi.json\">"
              "/api/v1/openapi.json</a>; metrics at <a href=\"/metrics\">/metrics</a>.</p>",
          {}});
    }
    return respond(
        errorResponse(Error(ErrorCode::NotFound, "no file " + quoteInput(request.target))));
  }
  std::ostringstream content;
  content << in.rdbuf();
  auto type = kTypes.find(file.extension().string());
  HttpResponse response{
      200, type == kTypes.end() ? "application/octet-stream" : type->second, content.str(), {}};
  // Built assets carry content hashes in their names; index.html must always be fresh.
  response.headers.emplace_back("Cache-Control", file.filename() == "index.html"
                                                     ? "no-cache"
                                                     : "public, max-age=31536000, immutable");
  respond(std::move(response));
}

}  // namespace pledge::server
