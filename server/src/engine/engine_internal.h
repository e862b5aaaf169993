// Helpers shared by the engine's source files (engine*.cpp).
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace pledge::server {

// Runs the answers of requests (on an engine thread, outside the lock). An answer that throws is
// a bug; it must not end the thread that serves every other request.
inline void runAnswers(std::vector<std::function<void()>>& answers) {
  for (auto& answer : answers) {
    try {
      answer();
    } catch (const std::exception& error) {
      spdlog::error("answering a request failed: {}", error.what());
    }
  }
  answers.clear();
}

inline std::int64_t steadyUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace pledge::server
