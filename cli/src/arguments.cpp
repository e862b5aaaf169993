#include "pledge/cli/arguments.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "pledge/duration.h"
#include "pledge/limits.h"
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

std::optional<TagFilter> parseTagArgument(std::string_view text, std::string& problem) {
  const std::size_t at = text.find_first_of("=:");
  try {
    return parseTagFilter(text, at == std::string_view::npos ? '=' : text[at]);
  } catch (const JsonError& error) {
    problem = error.message();
    return std::nullopt;
  }
}

std::string tagsText(const Json& tags) {
  std::string out;
  if (!tags.is_object()) return out;
  for (const auto& [key, value] : tags.items()) {
    if (!out.empty()) out += ' ';
    out += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return out;
}

std::optional<std::int64_t> parseDurationMs(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return c >= '0' && c <= '9';
      })) {
    std::int64_t value = 0;
    auto [rest, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || value <= 0) return std::nullopt;
    return value;
  }
  std::optional<std::int64_t> ms = parseDurationText(text, limits::kMaxTimeoutMs);
  if (!ms || *ms <= 0) return std::nullopt;
  return ms;
}

std::optional<std::string> normalizeId(const std::string& text) {
  auto id = Uuid::parse(text);
  if (!id) return std::nullopt;
  return id->toString();
}

}  // namespace pledge::cli
