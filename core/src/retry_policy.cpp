#include "pledge/retry_policy.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "pledge/limits.h"

namespace pledge {
namespace {

constexpr std::array<std::pair<RetryKind, std::string_view>, 4> kKindNames{{
    {RetryKind::None, "none"},
    {RetryKind::Fixed, "fixed"},
    {RetryKind::Linear, "linear"},
    {RetryKind::Exponential, "exponential"},
}};

// Delays are capped here even without maxMs so that the arithmetic cannot overflow.
constexpr double kLongestDelayMs = 365.0 * 24 * 3600 * 1000;

}  // namespace

std::string_view retryKindName(RetryKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "none";
}

std::optional<std::int64_t> nextRetryDelayMs(const RetryPolicy& policy, int failedAttempt,
                                             const TaskError& error) {
  if (policy.kind == RetryKind::None || !error.retryable()) return std::nullopt;
  if (std::find(policy.nonRetryable.begin(), policy.nonRetryable.end(), error.type()) !=
      policy.nonRetryable.end()) {
    return std::nullopt;
  }
  if (policy.maxAttempts > 0 && failedAttempt >= policy.maxAttempts) return std::nullopt;

  const double initial = static_cast<double>(std::max<std::int64_t>(policy.initialMs, 0));
  const int n = std::max(failedAttempt, 1);
  double delay = initial;
  switch (policy.kind) {
    case RetryKind::Fixed: break;
    case RetryKind::Linear: delay = initial * n; break;
    case RetryKind::Exponential:
      delay = initial * std::pow(std::max(policy.multiplier, 1.0), n - 1);
      break;
    case RetryKind::None: return std::nullopt;
  }
  if (policy.maxMs > 0) delay = std::min(delay, static_cast<double>(policy.maxMs));
  // (0 * an infinite power is NaN: no delay then.)
  if (!(delay >= 0)) delay = 0;
  delay = std::min(delay, kLongestDelayMs);
  return static_cast<std::int64_t>(delay);
}

void to_json(Json& out, const RetryPolicy& policy) {
  out = Json{{"policy", retryKindName(policy.kind)},
             {"initialMs", policy.initialMs},
             {"maxMs", policy.maxMs},
             {"multiplier", policy.multiplier},
             {"maxAttempts", policy.maxAttempts}};
  if (!policy.nonRetryable.empty()) out["nonRetryable"] = policy.nonRetryable;
}

void from_json(const Json& in, RetryPolicy& policy) {
  rejectUnknownFields(in, {"policy", "initialMs", "maxMs", "multiplier", "maxAttempts",
                           "nonRetryable"});
  RetryPolicy result;
  std::string kind = readField(in, "policy", readString);
  bool known = false;
  for (const auto& [k, name] : kKindNames) {
    if (name == kind) {
      result.kind = k;
      known = true;
    }
  }
  if (!known) {
    failAtField("policy", "expected none, fixed, linear or exponential, got \"" + kind + "\"");
  }
  auto upTo = [](std::int64_t most) {
    return [most](const Json& value) {
      std::int64_t number = readInt(value);
      if (number < 0 || (number > most && limits::enforced())) {
        throw JsonError(fmt::format("must be 0 to {}, got {}", most, number));
      }
      return number;
    };
  };
  result.initialMs =
      readOptionalField(in, "initialMs", upTo(limits::kMaxRetryDelayMs)).value_or(result.initialMs);
  result.maxMs =
      readOptionalField(in, "maxMs", upTo(limits::kMaxRetryDelayMs)).value_or(result.maxMs);
  result.maxAttempts = static_cast<int>(
      std::min<std::int64_t>(readOptionalField(in, "maxAttempts", upTo(limits::kMaxRetryAttempts))
                                 .value_or(result.maxAttempts),
                             std::numeric_limits<int>::max()));
  result.multiplier = readOptionalField(in, "multiplier", [](const Json& value) {
                        double number = readNumber(value);
                        if (!(number >= 1.0 &&
                              (number <= limits::kMaxRetryMultiplier || !limits::enforced()))) {
                          throw JsonError(fmt::format("must be 1 to {}, got {}",
                                                      limits::kMaxRetryMultiplier, value.dump()));
                        }
                        return number;
                      }).value_or(result.multiplier);
  result.nonRetryable =
      readOptionalField(in, "nonRetryable", readErrorTypes).value_or(std::vector<std::string>{});
  policy = std::move(result);
}

}  // namespace pledge
