#include "pledge/duration.h"

#include <array>
#include <cctype>
#include <cstddef>
#include <string_view>
#include <utility>

namespace pledge {
namespace {

// Milliseconds per unit; 0 when the unit is unknown.
std::int64_t unitMs(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s" || unit.starts_with("sec")) return 1000;
  if (unit == "m" || unit.starts_with("min")) return 60'000;
  if (unit == "h" || unit.starts_with("hour") || unit.starts_with("hr")) return 3'600'000;
  if (unit == "d" || unit.starts_with("day")) return 86'400'000;
  return 0;
}

}  // namespace

std::optional<std::int64_t> parseDurationText(std::string_view text, std::int64_t maxMs) {
  std::int64_t total = 0;
  std::size_t at = 0;
  bool any = false;
  auto skipSpaces = [&] {
    while (at < text.size() && text[at] == ' ') ++at;
  };
  while (skipSpaces(), at < text.size()) {
    std::int64_t number = 0;
    const std::size_t digits = at;
    // The cap keeps number * unit inside 64 bits; a longer number leaves a digit as its "unit".
    while (at < text.size() && text[at] >= '0' && text[at] <= '9' && number < 1'000'000'000) {
      number = number * 10 + (text[at++] - '0');
    }
    if (at == digits) return std::nullopt;
    skipSpaces();
    const std::size_t unitStart = at;
    while (at < text.size() && std::isalpha(static_cast<unsigned char>(text[at]))) ++at;
    const std::int64_t scale = unitMs(text.substr(unitStart, at - unitStart));
    if (scale == 0) return std::nullopt;
    total += number * scale;
    if (total > maxMs) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

std::string durationText(std::int64_t ms) {
  if (ms <= 0) return "0s";
  constexpr std::array<std::pair<std::int64_t, const char*>, 5> kUnits{
      {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}}};
  std::string out;
  for (const auto& [size, unit] : kUnits) {
    if (ms < size) continue;
    if (!out.empty()) out += ' ';
    out += std::to_string(ms / size) + unit;
    ms %= size;
  }
  return out;
}

}  // namespace pledge
