#include "pledge/cli/arguments.h"

#include <charconv>
#include <cstdint>
#include <string_view>

#include "pledge/uuid.h"

namespace pledge::cli {

std::string substituteIndex(const std::string& pattern, int index) {
  const std::string value = std::to_string(index);
  std::string out;
  std::size_t start = 0;
  while (true) {
    std::size_t found = pattern.find("{i}", start);
    out.append(pattern, start, found == std::string::npos ? std::string::npos : found - start);
    if (found == std::string::npos) return out;
    out += value;
    start = found + 3;
  }
}

std::optional<std::int64_t> parseStartTime(const std::string& text, std::int64_t nowMs) {
  const bool relative = !text.empty() && text.front() == '+';
  const char* begin = text.data() + (relative ? 1 : 0);
  const char* end = text.data() + text.size();
  std::int64_t value = 0;
  auto [rest, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || rest != end || begin == end || value < 0) return std::nullopt;
  return relative ? nowMs + value * 1000 : value;
}

std::optional<std::int64_t> parseDurationMs(const std::string& text) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  std::int64_t value = 0;
  auto [rest, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || rest == begin || value <= 0) return std::nullopt;
  const std::string_view unit(rest, static_cast<std::size_t>(end - rest));
  std::int64_t scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  if (unit == "s") scale = 1'000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  if (unit == "d") scale = 86'400'000;
  if (scale == 0 || value > INT64_MAX / scale) return std::nullopt;
  return value * scale;
}

std::optional<std::string> normalizeId(const std::string& text) {
  auto id = Uuid::parse(text);
  if (!id) return std::nullopt;
  return id->toString();
}

}  // namespace pledge::cli
