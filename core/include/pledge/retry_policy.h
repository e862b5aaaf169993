// RetryPolicy: how a failed task attempt is retried. The engine asks nextRetryDelayMs() after each
// failed attempt and reschedules the task's start time by the answer, or fails it for good.
//
//   RetryPolicy policy{.kind = RetryKind::Exponential, .initialMs = 200, .maxMs = 10'000,
//                      .maxAttempts = 5};
//   nextRetryDelayMs(policy, 1, error);   // 200
//   nextRetryDelayMs(policy, 3, error);   // 800
//   nextRetryDelayMs(policy, 5, error);   // nullopt: 5 attempts made
//
// Wire form: {"policy":"exponential","initialMs":200,"maxMs":10000,"multiplier":2,
//             "maxAttempts":5,"nonRetryable":["InvalidAddress"]}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/json.h"
#include "pledge/task_error.h"

namespace pledge {

enum class RetryKind {
  None,         // never retried
  Fixed,        // initialMs after every failure
  Linear,       // initialMs * n after the n-th failure
  Exponential,  // initialMs * multiplier^(n-1) after the n-th failure
};

std::string_view retryKindName(RetryKind kind);

// A plain value; copyable, compared by value.
struct RetryPolicy {
  RetryKind kind = RetryKind::None;
  std::int64_t initialMs = 1000;
  // Upper bound of one delay; 0 means no bound.
  std::int64_t maxMs = 0;
  // Growth factor of Exponential; at least 1.
  double multiplier = 2.0;
  // Attempts in all, the first included; 0 means unlimited.
  int maxAttempts = 0;
  // Error types never retried (besides errors that say retryable=false).
  std::vector<std::string> nonRetryable;

  bool operator==(const RetryPolicy&) const = default;
};

// The delay before the next attempt after attempt number failedAttempt (1-based) failed with
// error, or nullopt when the task fails for good: kind None, a non-retryable error, or
// maxAttempts reached. Pure; never throws.
std::optional<std::int64_t> nextRetryDelayMs(const RetryPolicy& policy, int failedAttempt,
                                             const TaskError& error);

void to_json(Json& out, const RetryPolicy& policy);
// Strict: unknown fields, negative times, multiplier < 1 are JsonErrors.
void from_json(const Json& in, RetryPolicy& policy);

}  // namespace pledge
