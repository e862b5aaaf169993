// The whole request path of pledge-server: raw bytes are read the way a connection reads them
// (parseHttpRequest), answered by the REST API over a real engine and SQLite store, and the answer
// is checked: one answer within 5 s, a valid status, never 500, JSON that is valid UTF-8, the error
// object on every 4xx/5xx with the status of its code. Every 500th input a canary start and read
// must still succeed: no input may leave the server unable to serve.
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include "fuzz_check.h"
#include "pledge/limits.h"
#include "pledge/server/engine/engine.h"
#include "pledge/server/http/http_server.h"
#include "pledge/server/node/metrics.h"
#include "pledge/server/rest/rest_api.h"
#include "pledge/server/store/sqlite_store.h"
#include "pledge/text.h"

namespace pledge::server {
namespace {

using fuzz::check;
using fuzz::fail;

constexpr std::size_t kMaxBodyBytes = 1 << 20;
// A fresh server every so many inputs bounds the memory a long run takes.
constexpr int kInputsPerServer = 20'000;

class Harness {
 public:
  Harness() {
    const char* base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string pattern = std::string(base) + "/pledge-fuzz-XXXXXX";
    dir_ = mkdtemp(pattern.data());
    engine_ = std::make_unique<Engine>(std::make_unique<SqliteStore>(dir_, 8, /*durable=*/false),
                                       EngineOptions{.maxPollWaitMs = 20,
                                                     .maxResultWaitMs = 20,
                                                     .maxParkedRequests = 64,
                                                     .maxQueues = 2'000,
                                                     .maxNames = 10'000},
                                       &metrics_);
    api_ = std::make_unique<RestApi>(*engine_, metrics_, RestApiOptions{});
  }
  ~Harness() {
    api_.reset();
    engine_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  HttpResponse answer(HttpRequest request) {
    auto promise = std::make_shared<std::promise<HttpResponse>>();
    auto answers = std::make_shared<std::atomic<int>>(0);
    std::future<HttpResponse> future = promise->get_future();
    const std::string what = request.method + " " + quoteInput(request.target);
    api_->handle(std::move(request), [promise, answers, what](HttpResponse response) {
      if (answers->fetch_add(1) > 0) fail("answered twice: " + what);
      promise->set_value(std::move(response));
    });
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      fail("no answer within 5 s: the request wedged the server: " + what);
    }
    return future.get();
  }

  // A start and a read of it: the server still serves.
  void canary() {
    HttpRequest start;
    start.method = "POST";
    start.target = "/api/v1/processes";
    start.segments = {"api", "v1", "processes"};
    start.body = R"({"actor":"Canary#1","method":"start","args":[1]})";
    HttpResponse started = answer(std::move(start));
    check(started.status == 201, "the canary start was answered " + std::to_string(started.status) + ": " +
                                     started.body);
    const std::string id = parseJson(started.body).at("processId").get<std::string>();
    HttpRequest read;
    read.method = "GET";
    read.target = "/api/v1/processes/" + id;
    read.segments = {"api", "v1", "processes", id};
    HttpResponse process = answer(std::move(read));
    check(process.status == 200, "the canary process cannot be read: " + process.body);
  }

 private:
  std::string dir_;
  Metrics metrics_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<RestApi> api_;
};

void checkAnswer(const std::string& what, const HttpResponse& response) {
  check(response.status >= 200 && response.status <= 599, what + ": status " + std::to_string(response.status));
  check(response.status != 500, what + ": 500 (a bug, not bad input): " + response.body.substr(0, 2'000));
  if (response.contentType != "application/json") return;
  check(isValidUtf8(response.body), what + ": an answer that is not UTF-8");
  Json body;
  try {
    limits::Ignored written;  // an answer may wrap a value that was at the limit
    body = parseJson(response.body);
  } catch (const std::exception& error) {
    fail(what + ": an answer that is not JSON: " + error.what());
  }
  if (response.status < 400) return;
  const Json* error = body.is_object() && body.contains("error") ? &body["error"] : nullptr;
  check(error != nullptr && error->is_object() && (*error)["code"].is_string() && (*error)["message"].is_string(),
        what + ": a " + std::to_string(response.status) + " without the error object: " + response.body.substr(0, 500));
  check(httpStatus(errorCodeFromName((*error)["code"].get<std::string>())) == response.status,
        what + ": status " + std::to_string(response.status) + " with code " + (*error)["code"].dump());
}

}  // namespace
}  // namespace pledge::server

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pledge::server;
  static int inputs = 0;
  static std::unique_ptr<Harness> harness;
  if (harness == nullptr || inputs % kInputsPerServer == 0) {
    spdlog::set_level(spdlog::level::critical);
    harness.reset();
    harness = std::make_unique<Harness>();
    harness->canary();
  }
  ++inputs;
  std::optional<HttpRequest> request =
      parseHttpRequest(std::string_view(reinterpret_cast<const char*>(data), size), kMaxBodyBytes);
  if (!request) return 0;  // a connection answers 400 or 413 itself
  const std::string what = request->method + " " + pledge::quoteInput(request->target);
  checkAnswer(what, harness->answer(std::move(*request)));
  if (inputs % 500 == 0) harness->canary();
  return 0;
}
