// Reading a cron expression into CronFields: five or six fields, or a macro.
#include <fmt/format.h>

#include <array>
#include <bitset>
#include <cctype>
#include <span>
#include <string>
#include <vector>

#include "pledge/duration.h"
#include "pledge/error.h"
#include "pledge/text.h"
#include "schedule/cron_fields.h"

namespace pledge::server::cron {
namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                         "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kWeekdayNames = {"SUN", "MON", "TUE", "WED",
                                                          "THU", "FRI", "SAT"};

constexpr std::int64_t kMinEveryMs = 1000;
constexpr std::int64_t kMaxEveryMs = 366LL * 86'400'000;

constexpr std::string_view kForms =
    "write 5 fields (minute hour day-of-month month day-of-week), 6 (second first), or one of "
    "@yearly @monthly @weekly @daily @hourly @every <duration>";

// What one field accepts. names[i] is the name of value firstNamed + i.
struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  std::span<const std::string_view> names;
  int firstNamed;
  bool allowsQuestionMark;
  std::string_view valuesHelp;
};

constexpr FieldSpec kSecond{"second", 0, 59, {}, 0, false, "0-59"};
constexpr FieldSpec kMinute{"minute", 0, 59, {}, 0, false, "0-59"};
constexpr FieldSpec kHour{"hour", 0, 23, {}, 0, false, "0-23"};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, {}, 0, true, "1-31"};
constexpr FieldSpec kMonth{"month", 1, 12, kMonthNames, 1, false, "1-12 or JAN-DEC"};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, kWeekdayNames, 0, true,
                               "0-7 (0 and 7 are Sunday) or SUN-SAT"};

// Throws the error of one field: what is wrong, then how the field is written.
class FieldReader {
 public:
  FieldReader(const FieldSpec& spec, int number, std::string_view text)
      : spec_(spec), number_(number), text_(text) {}

  std::bitset<64> read() const {
    std::bitset<64> bits;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = text_.find(',', start);
      const std::string_view item = text_.substr(start, comma - start);
      if (item.empty()) fail(fmt::format("'{}' has an empty list item", quoteInput(text_)));
      readItem(item, bits);
      if (comma == std::string_view::npos) return bits;
      start = comma + 1;
    }
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    const std::string_view question = spec_.allowsQuestionMark ? ", ? (as *)" : "";
    throw Error(ErrorCode::BadRequest,
                fmt::format("cron field {} ({}): {}; write *{}, values {} as n, a-b, */n, a-b/n "
                            "or a/n, or a list of these (a,b)",
                            number_, spec_.name, problem, question, spec_.valuesHelp));
  }

  void readItem(std::string_view item, std::bitset<64>& bits) const {
    const std::size_t slash = item.find('/');
    const std::string_view base = item.substr(0, slash);
    int low = spec_.min;
    int high = spec_.max;
    if (base == "*" || (base == "?" && spec_.allowsQuestionMark)) {
      // Day-of-week 7 is Sunday again: * means 0-6.
      if (spec_.max == 7) high = 6;
    } else if (const std::size_t dash = base.find('-'); dash != std::string_view::npos) {
      low = value(base.substr(0, dash));
      high = value(base.substr(dash + 1));
      if (high < low) {
        fail(fmt::format("range '{}' ends before it starts (ranges do not wrap around)",
                         quoteInput(base)));
      }
    } else {
      low = value(base);
      high = slash == std::string_view::npos ? low : spec_.max;
    }
    int step = 1;
    if (slash != std::string_view::npos) step = stepOf(item.substr(slash + 1));
    for (int v = low; v <= high; v += step) bits.set(static_cast<std::size_t>(v));
  }

  int stepOf(std::string_view text) const {
    const std::optional<int> step = number(text);
    if (!step) fail(fmt::format("step '{}' is not a number", quoteInput(text)));
    if (*step < 1 || *step > spec_.max) {
      fail(fmt::format("step {} is out of range 1-{}", *step, spec_.max));
    }
    return *step;
  }

  int value(std::string_view text) const {
    if (const std::optional<int> v = number(text)) {
      if (*v < spec_.min || *v > spec_.max) {
        fail(fmt::format("{} is out of range {}-{}", quoteInput(text), spec_.min, spec_.max));
      }
      return *v;
    }
    for (std::size_t i = 0; i < spec_.names.size(); ++i) {
      if (equalsIgnoringCase(text, spec_.names[i])) return spec_.firstNamed + static_cast<int>(i);
    }
    if (text.empty()) fail("a value is missing");
    fail(fmt::format("'{}' is not {}", quoteInput(text),
                     spec_.names.empty() ? "a number" : "a number or a name"));
  }

  // Digits only; numbers of more than 4 digits are out of every range and read as 9999.
  static std::optional<int> number(std::string_view text) {
    if (text.empty()) return std::nullopt;
    int v = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      v = std::min(v * 10 + (c - '0'), 9999);
    }
    return v;
  }

  static bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(a[i])) != b[i]) return false;
    }
    return true;
  }

  const FieldSpec& spec_;
  int number_;
  std::string_view text_;
};

template <std::size_t N>
std::bitset<N> narrow(const std::bitset<64>& bits) {
  std::bitset<N> out;
  for (std::size_t i = 0; i < N; ++i) out[i] = bits[i];
  return out;
}

bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::vector<std::string_view> splitOnSpaces(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && isSpace(text[at])) ++at;
    const std::size_t start = at;
    while (at < text.size() && !isSpace(text[at])) ++at;
    if (at > start) words.push_back(text.substr(start, at - start));
  }
  return words;
}

CronFields readFields(const std::vector<std::string_view>& words) {
  const bool withSeconds = words.size() == 6;
  const std::size_t first = withSeconds ? 1 : 0;
  auto read = [&](const FieldSpec& spec, std::size_t index) {
    return FieldReader(spec, static_cast<int>(index) + 1, words[index]).read();
  };
  CronFields fields;
  fields.seconds = withSeconds ? narrow<60>(read(kSecond, 0)) : std::bitset<60>(1);
  fields.minutes = narrow<60>(read(kMinute, first));
  fields.hours = narrow<24>(read(kHour, first + 1));
  fields.daysOfMonth = narrow<32>(read(kDayOfMonth, first + 2));
  fields.months = narrow<13>(read(kMonth, first + 3));
  std::bitset<64> weekdays = read(kDayOfWeek, first + 4);
  if (weekdays[7]) weekdays.set(0);
  fields.daysOfWeek = narrow<7>(weekdays);
  auto starred = [](std::string_view word) { return word[0] == '*' || word[0] == '?'; };
  fields.daysOfMonthStar = starred(words[first + 2]);
  fields.daysOfWeekStar = starred(words[first + 4]);
  return fields;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ParsedRule readEvery(std::string_view expression, std::string_view duration) {
  const std::optional<std::int64_t> ms = parseDurationText(duration, kMaxEveryMs * 1000);
  const std::string_view help = "; write a number with a unit ms, s, m, h or d, combinable like "
                                "@every 1h30m, from 1s to 366d";
  if (!ms) {
    throw Error(ErrorCode::BadRequest, fmt::format("cron rule '{}': '{}' is not a duration{}",
                                                   quoteInput(expression), quoteInput(duration),
                                                   help));
  }
  if (*ms < kMinEveryMs || *ms > kMaxEveryMs) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("cron rule '{}': the interval is {}{}", quoteInput(expression),
                            *ms < kMinEveryMs ? "shorter than 1s" : "longer than 366d", help));
  }
  return ParsedRule{std::nullopt, *ms};
}

ParsedRule readMacro(std::string_view expression) {
  const std::vector<std::string_view> words = splitOnSpaces(expression);
  const std::string name = lowercase(words[0]);
  if (name == "@every") {
    std::string_view rest = expression.substr(
        static_cast<std::size_t>(words[0].data() - expression.data()) + words[0].size());
    while (!rest.empty() && isSpace(rest.front())) rest.remove_prefix(1);
    while (!rest.empty() && isSpace(rest.back())) rest.remove_suffix(1);
    return readEvery(expression, rest);
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kMacros = {{
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"}, {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"}}};
  for (const auto& [macro, fields] : kMacros) {
    if (name != macro) continue;
    if (words.size() > 1) {
      throw Error(ErrorCode::BadRequest,
                  fmt::format("cron rule '{}': {} takes nothing after it; {}",
                              quoteInput(expression), macro, kForms));
    }
    return ParsedRule{readFields(splitOnSpaces(fields)), 0};
  }
  throw Error(ErrorCode::BadRequest, fmt::format("cron rule '{}': {} is not a known macro; {}",
                                                 quoteInput(expression), quoteInput(words[0]),
                                                 kForms));
}

}  // namespace

ParsedRule parseRule(std::string_view expression) {
  if (expression.size() > kMaxExpressionBytes) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("cron rule is {} bytes long, more than {}; {}", expression.size(),
                            kMaxExpressionBytes, kForms));
  }
  const std::vector<std::string_view> words = splitOnSpaces(expression);
  if (words.empty()) {
    throw Error(ErrorCode::BadRequest, fmt::format("cron rule is empty; {}", kForms));
  }
  if (words[0][0] == '@') return readMacro(expression);
  if (words.size() != 5 && words.size() != 6) {
    throw Error(ErrorCode::BadRequest, fmt::format("cron rule '{}' has {} field{}; {}",
                                                   quoteInput(expression), words.size(),
                                                   words.size() == 1 ? "" : "s", kForms));
  }
  return ParsedRule{readFields(words), 0};
}

}  // namespace pledge::server::cron
