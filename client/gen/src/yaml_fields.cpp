#include "yaml_fields.h"

#include <fmt/format.h>

#include <exception>

namespace pledge::gen {

void YamlFields::fail(const YAML::Node& node, std::string_view keyPath,
                      const std::string& message) const {
  int line = node.IsDefined() ? node.Mark().line + 1 : 0;
  if (line <= 0) line = 0;
  throw IdlError(path_, line, keyPath.empty() ? message : std::string(keyPath) + ": " + message);
}

void YamlFields::requireMap(const YAML::Node& node, std::string_view keyPath) const {
  if (!node.IsMap()) fail(node, keyPath, "expected a map of keys");
}

std::string YamlFields::scalar(const YAML::Node& node, std::string_view keyPath) const {
  if (!node.IsScalar()) fail(node, keyPath, "expected a single value");
  return node.Scalar();
}

std::int64_t YamlFields::integer(const YAML::Node& node, std::string_view keyPath,
                                 std::int64_t min) const {
  std::string text = scalar(node, keyPath);
  std::size_t used = 0;
  std::int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    fail(node, keyPath, fmt::format("expected an integer, got '{}'", text));
  }
  if (value < min) fail(node, keyPath, fmt::format("must be at least {}, got {}", min, value));
  return value;
}

double YamlFields::number(const YAML::Node& node, std::string_view keyPath) const {
  std::string text = scalar(node, keyPath);
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    fail(node, keyPath, fmt::format("expected a number, got '{}'", text));
  }
  return value;
}

bool YamlFields::boolean(const YAML::Node& node, std::string_view keyPath) const {
  std::string text = scalar(node, keyPath);
  if (text == "true") return true;
  if (text == "false") return false;
  fail(node, keyPath, fmt::format("expected true or false, got '{}'", text));
}

std::vector<std::string> YamlFields::stringList(const YAML::Node& node,
                                                std::string_view keyPath) const {
  if (!node.IsSequence()) fail(node, keyPath, "expected a list");
  std::vector<std::string> items;
  for (std::size_t i = 0; i < node.size(); ++i) {
    items.push_back(scalar(node[i], fmt::format("{}[{}]", keyPath, i)));
  }
  return items;
}

}  // namespace pledge::gen
