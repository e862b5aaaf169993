// Structured logs (docs/operations.md, "Logs"): with --log-format json the server and the
// bootstrap write one JSON object per line instead of text:
//
//   {"time":"2026-12-04T10:00:00.123Z","level":"info","component":"server",
//    "message":"...","processId":"<uuid>","taskId":"<uuid>"}
//
// processId and taskId are set when the message names them ("process <uuid>", "task <uuid>"),
// and an audit line (a JSON object itself) comes as "audit": {...} with its process id lifted.
//
//   spdlog::set_formatter(std::make_unique<pledge::JsonLogFormatter>("server"));
//
// Header-only: for programs that link spdlog (pledge_core does not).
#pragma once

#include <fmt/chrono.h>
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "pledge/json.h"
#include "pledge/uuid.h"

namespace pledge {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  explicit JsonLogFormatter(std::string component) : component_(std::move(component)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        msg.time.time_since_epoch())
                        .count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    const std::string_view message(msg.payload.data(), msg.payload.size());
    Json line{{"time", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(seconds), ms % 1000)},
              {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                    spdlog::level::to_string_view(msg.level).size())},
              {"component", component_}};
    if (!message.empty() && message.front() == '{') {  // a line that is JSON already
      try {
        Json inner = parseJson(message);
        if (inner.contains("id") && inner.value("audit", "").find("/processes") !=
                                        std::string::npos) {
          line["processId"] = inner["id"];
        }
        line["audit"] = std::move(inner);
      } catch (const std::exception&) {
        line["message"] = std::string(message);
      }
    } else {
      line["message"] = std::string(message);
      if (auto id = idAfter(message, "process ")) line["processId"] = *id;
      if (auto id = idAfter(message, "task ")) line["taskId"] = *id;
    }
    const std::string text = dumpJson(line) + "\n";
    dest.append(text.data(), text.data() + text.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>(component_);
  }

 private:
  // The first uuid that follows word in message.
  static std::optional<std::string> idAfter(std::string_view message, std::string_view word) {
    for (std::size_t at = message.find(word); at != std::string_view::npos;
         at = message.find(word, at + 1)) {
      const std::size_t start = at + word.size();
      if (start + 36 <= message.size() && Uuid::parse(message.substr(start, 36))) {
        return std::string(message.substr(start, 36));
      }
    }
    return std::nullopt;
  }

  std::string component_;
};

// Installs the format named by format ("text": the given pattern, "json": JsonLogFormatter).
inline void setLogFormat(const std::string& format, const std::string& component,
                         const std::string& textPattern) {
  if (format == "json") {
    spdlog::set_formatter(std::make_unique<JsonLogFormatter>(component));
  } else {
    spdlog::set_pattern(textPattern);
  }
}

}  // namespace pledge
