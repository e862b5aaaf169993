// TODO(merge): a stand-in for branch `cron`'s parser (only "@every <n>s|m|h|d"), removed when
// that branch is merged.
#include <charconv>

#include "pledge/error.h"
#include "pledge/server/schedule/cron.h"

namespace pledge::server {

struct CronRule::Compiled {
  std::string expression;
  std::string timeZone;
  std::int64_t everyMs = 0;
};

CronRule::CronRule(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

CronRule CronRule::parse(std::string_view expression, std::string_view timeZone) {
  if (timeZone != "UTC" && timeZone.find('/') == std::string_view::npos) {
    throw Error(ErrorCode::BadRequest, "unknown time zone \"" + std::string(timeZone) + "\"");
  }
  constexpr std::string_view kEvery = "@every ";
  std::int64_t count = 0;
  if (expression.starts_with(kEvery)) {
    const std::string_view rest = expression.substr(kEvery.size());
    auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), count);
    const std::string_view unit(end, rest.data() + rest.size() - end);
    const std::int64_t scale = unit == "s"   ? 1000
                               : unit == "m" ? 60'000
                               : unit == "h" ? 3'600'000
                               : unit == "d" ? 86'400'000
                                             : 0;
    if (error == std::errc() && count > 0 && scale > 0) {
      return CronRule(std::make_shared<Compiled>(
          Compiled{std::string(expression), std::string(timeZone), count * scale}));
    }
  }
  throw Error(ErrorCode::BadRequest, "cron: the stand-in reads only \"@every <n>s\"");
}

std::optional<std::int64_t> CronRule::nextAfter(std::int64_t epochMs) const {
  const std::int64_t every = compiled_->everyMs;
  return (epochMs / every + 1) * every;
}

std::vector<std::int64_t> CronRule::upcoming(std::int64_t afterMs, int count) const {
  std::vector<std::int64_t> times;
  for (int i = 0; i < count; ++i) times.push_back(afterMs = *nextAfter(afterMs));
  return times;
}

std::string CronRule::describe() const { return compiled_->expression; }
const std::string& CronRule::expression() const { return compiled_->expression; }
const std::string& CronRule::timeZone() const { return compiled_->timeZone; }
bool operator==(const CronRule& a, const CronRule& b) {
  return a.expression() == b.expression() && a.timeZone() == b.timeZone();
}

}  // namespace pledge::server
