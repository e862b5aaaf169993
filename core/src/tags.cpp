#include "pledge/tags.h"

#include <fmt/format.h>

#include "pledge/limits.h"
#include "pledge/text.h"

namespace pledge {
namespace {

bool isKeyCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

std::optional<std::string> checkTagKey(std::string_view key) {
  if (key.empty()) return "a tag key must not be empty";
  if (key.size() > limits::kMaxTagKeyBytes) {
    return fmt::format("a tag key is at most {} bytes, got {}", limits::kMaxTagKeyBytes,
                       key.size());
  }
  for (char c : key) {
    if (!isKeyCharacter(c)) {
      return fmt::format("a tag key holds only A-Z a-z 0-9 _ . -, got \"{}\"", quoteInput(key));
    }
  }
  return std::nullopt;
}

std::optional<std::string> checkTagValue(std::string_view value) {
  return checkName(value, limits::kMaxTagValueBytes, /*allowEmpty=*/true);
}

Tags readTags(const Json& value) {
  requireObject(value);
  if (limits::enforced() && value.size() > limits::kMaxTagsPerProcess) {
    throw JsonError(fmt::format("at most {} tags per process, got {}", limits::kMaxTagsPerProcess,
                                value.size()));
  }
  Tags tags;
  for (auto entry = value.begin(); entry != value.end(); ++entry) {
    // (Not a structured binding: clang before 16 lets no lambda capture one.)
    const std::string& key = entry.key();
    const Json& item = entry.value();
    atField(quoteInput(key), [&] {
      if (auto problem = checkTagKey(key)) throw JsonError(*problem);
      std::string text = readString(item);
      if (limits::enforced()) {
        if (auto problem = checkTagValue(text)) throw JsonError(*problem);
      }
      tags.emplace(key, std::move(text));
    });
  }
  return tags;
}

Json tagsJson(const Tags& tags) {
  Json out = Json::object();
  for (const auto& [key, value] : tags) out[key] = value;
  return out;
}

TagFilter parseTagFilter(std::string_view text, char separator) {
  const std::size_t at = text.find(separator);
  if (at == std::string_view::npos) {
    throw JsonError(fmt::format("expected KEY{}VALUE, got \"{}\"", separator, quoteInput(text)));
  }
  TagFilter filter{std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
  if (auto problem = checkTagKey(filter.key)) throw JsonError(*problem);
  if (auto problem = checkTagValue(filter.value)) throw JsonError(*problem);
  return filter;
}

}  // namespace pledge
