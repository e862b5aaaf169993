// Argument helpers of the pledge CLI that are pure functions (and so unit-tested alone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pledge::cli {

// Replaces every "{i}" in pattern by index: the ARGS_JSON of `start --count N`.
std::string substituteIndex(const std::string& pattern, int index);

// A --start-time value: epoch milliseconds ("1767225600000"), or seconds from now ("+30").
// nullopt when it is neither.
std::optional<std::int64_t> parseStartTime(const std::string& text, std::int64_t nowMs);

// The process id a user typed: a full UUID. nullopt otherwise.
std::optional<std::string> normalizeId(const std::string& text);

}  // namespace pledge::cli
