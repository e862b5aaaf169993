// Tags (search attributes): string keys and values a start request gives a process, so that
// processes can be listed and filtered by them (docs/operations.md, "Tags").
//
//   StartOptions options{.tags = {{"team", "billing"}, {"env", "prod"}}};
//   Tags tags = readTags(parseJson(R"({"team":"billing"})"));   // checked: JsonError names the key
//   TagFilter filter = parseTagFilter("team:billing");           // ?tag=team:billing
//
// Every function is pure and thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "pledge/json.h"

namespace pledge {

// Sorted by key, so equal sets compare and print equal.
using Tags = std::map<std::string, std::string>;

// One condition of a process listing: the process has this tag with this value.
struct TagFilter {
  std::string key;
  std::string value;

  bool operator==(const TagFilter&) const = default;
};

// What is wrong with a key (not [A-Za-z0-9_.-]{1,limits::kMaxTagKeyBytes}), or with a value
// (not UTF-8, a control character, over limits::kMaxTagValueBytes; "" is a value); nullopt when
// fine.
std::optional<std::string> checkTagKey(std::string_view key);
std::optional<std::string> checkTagValue(std::string_view value);

// Reads a JSON object of string values, at most limits::kMaxTagsPerProcess of them. Throws
// JsonError located at the bad tag (its key, quoted fit for a message when the key is the
// problem).
Tags readTags(const Json& value);
// {} for no tags.
Json tagsJson(const Tags& tags);

// Parses "KEY<separator>VALUE" (the first separator ends the key; the value may hold more).
// Throws JsonError saying what is wrong.
TagFilter parseTagFilter(std::string_view text, char separator = ':');

}  // namespace pledge
