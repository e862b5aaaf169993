// Argument helpers of the pledge CLI that are pure functions (and so unit-tested alone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pledge/json.h"
#include "pledge/tags.h"

namespace pledge::cli {

// Replaces every "{i}" in pattern by index: the ARGS_JSON of `start --count N`.
std::string substituteIndex(const std::string& pattern, int index);

// A --start-time value: epoch milliseconds ("1767225600000"), or seconds from now ("+30").
// nullopt when it is neither.
std::optional<std::int64_t> parseStartTime(const std::string& text, std::int64_t nowMs);

// A --tag value: KEY=VALUE (or KEY:VALUE, as the console and the REST API write it).
// nullopt, with problem set, when it is not one.
std::optional<TagFilter> parseTagArgument(std::string_view text, std::string& problem);

// A process's tags as the CLI shows them: "env=prod team=billing" ("" for none).
std::string tagsText(const Json& tags);

// A duration such as --deadline takes: a number and a unit, ms, s, m, h or d ("1h", "30s",
// "500ms"), or a plain number of milliseconds. nullopt when it is none of these or not positive.
std::optional<std::int64_t> parseDurationMs(const std::string& text);

// The process id a user typed: a full UUID. nullopt otherwise.
std::optional<std::string> normalizeId(const std::string& text);

}  // namespace pledge::cli
