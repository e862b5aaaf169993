// Reading the nodes of one YAML document with messages that name the file, the line and the key
// path of what is wrong: maps with known keys, single values (text, integers, numbers, booleans)
// and lists of text. Private to pledge-gen; idl.cpp reads the IDL's structure with these.
//
//   YamlFields fields("actors.pledge.yaml");
//   fields.rejectUnknownKeys(root, "", std::array{"namespace", "workers"});
//   std::int64_t ms = fields.integer(node["timeoutMs"], "workers.Mail.timeoutMs", 1);
//
// Immutable; each reader throws IdlError (pledge/gen/idl.h) on a node that is not what it reads.
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "idl_syntax.h"
#include "pledge/gen/idl.h"

namespace pledge::gen {

class YamlFields {
 public:
  // path names the file in messages.
  explicit YamlFields(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // Throws IdlError at node's line (0 when node is undefined), with keyPath before the message.
  [[noreturn]] void fail(const YAML::Node& node, std::string_view keyPath,
                         const std::string& message) const;

  void requireMap(const YAML::Node& node, std::string_view keyPath) const;

  // Fails on a key that is not one of known (suggesting the closest one) and on a key given twice.
  template <typename Keys>
  void rejectUnknownKeys(const YAML::Node& node, std::string_view keyPath,
                         const Keys& known) const {
    std::map<std::string, int> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.Scalar();
      std::string path = keyPath.empty() ? key : std::string(keyPath) + "." + key;
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(it->first, path,
             fmt::format("unknown key{} (expected one of: {})", suggestion(key, known),
                         listOf(known)));
      }
      auto [previous, inserted] = seen.emplace(key, it->first.Mark().line + 1);
      if (!inserted) {
        fail(it->first, path, fmt::format("duplicate key (first at line {})", previous->second));
      }
    }
  }

  std::string scalar(const YAML::Node& node, std::string_view keyPath) const;
  // An integer of at least min.
  std::int64_t integer(const YAML::Node& node, std::string_view keyPath, std::int64_t min) const;
  double number(const YAML::Node& node, std::string_view keyPath) const;
  // true or false.
  bool boolean(const YAML::Node& node, std::string_view keyPath) const;
  std::vector<std::string> stringList(const YAML::Node& node, std::string_view keyPath) const;

 private:
  std::string path_;
};

}  // namespace pledge::gen
