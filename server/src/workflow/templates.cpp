#include "pledge/server/workflow/templates.h"

#include <fmt/format.h>

#include "pledge/server/workflow/definition.h"

namespace pledge::server::workflow {
namespace {

// Calls found(start, end) for each "${...}" in text: start at '$', end past '}'.
template <typename Found>
void eachTemplate(std::string_view text, Found found) {
  std::size_t at = 0;
  while ((at = text.find("${", at)) != std::string_view::npos) {
    const std::size_t close = text.find('}', at + 2);
    if (close == std::string_view::npos) return;
    found(at, close + 1);
    at = close + 1;
  }
}

void collect(const Json& value, const std::string& pointer, std::vector<TemplateUse>& out) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    eachTemplate(text, [&](std::size_t start, std::size_t end) {
      out.push_back({text.substr(start + 2, end - start - 3), pointer});
    });
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) collect(item, pointer + "/" + pointerToken(key), out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      collect(value[i], fmt::format("{}/{}", pointer, i), out);
    }
  }
}

const Json& nullJson() {
  static const Json null;
  return null;
}

const Json& lookUp(const Json& scope, std::string_view path) {
  std::vector<Json> keys;
  try {
    keys = splitTemplatePath(path);
  } catch (const Error&) {
    return nullJson();
  }
  const Json* at = &scope;
  for (const Json& key : keys) {
    if (key.is_string()) {
      if (!at->is_object()) return nullJson();
      auto found = at->find(key.get_ref<const std::string&>());
      if (found == at->end()) return nullJson();
      at = &*found;
    } else {
      const auto index = key.get<std::size_t>();
      if (!at->is_array() || index >= at->size()) return nullJson();
      at = &(*at)[index];
    }
  }
  return *at;
}

Json resolveString(const std::string& text, const Json& scope) {
  if (text.size() > 3 && text.starts_with("${") && text.find("${", 2) == std::string::npos &&
      text.find('}') == text.size() - 1) {
    return lookUp(scope, std::string_view(text).substr(2, text.size() - 3));
  }
  std::string out;
  std::size_t copied = 0;
  eachTemplate(text, [&](std::size_t start, std::size_t end) {
    out.append(text, copied, start - copied);
    const Json& value = lookUp(scope, std::string_view(text).substr(start + 2, end - start - 3));
    out += value.is_string() ? value.get_ref<const std::string&>() : dumpJson(value);
    copied = end;
  });
  out.append(text, copied);
  return out;
}

}  // namespace

std::vector<TemplateUse> templatesIn(const Json& value) {
  std::vector<TemplateUse> uses;
  collect(value, "", uses);
  return uses;
}

std::vector<Json> splitTemplatePath(std::string_view path) {
  std::vector<Json> keys;
  std::size_t at = 0;
  auto fail = [&](std::string_view what) {
    throw Error(ErrorCode::BadRequest,
                fmt::format("${{{}}}: {} at character {}", path, what, at + 1));
  };
  if (path.empty()) fail("an empty path");
  while (at < path.size()) {
    if (path[at] == '[') {
      const std::size_t close = path.find(']', at);
      if (close == std::string_view::npos || close == at + 1) fail("an index without ']'");
      std::size_t index = 0;
      for (std::size_t i = at + 1; i < close; ++i) {
        if (path[i] < '0' || path[i] > '9') fail("an index that is not a number");
        index = index * 10 + static_cast<std::size_t>(path[i] - '0');
      }
      keys.emplace_back(index);
      at = close + 1;
      if (at < path.size() && path[at] == '.') ++at;
      continue;
    }
    std::size_t end = path.find_first_of(".[", at);
    if (end == std::string_view::npos) end = path.size();
    if (end == at) fail("an empty key");
    keys.emplace_back(std::string(path.substr(at, end - at)));
    at = end;
    if (at < path.size() && path[at] == '.') {
      ++at;
      if (at == path.size()) fail("a path ending in '.'");
    }
  }
  return keys;
}

Json resolveTemplates(const Json& value, const Json& scope) {
  if (value.is_string()) return resolveString(value.get_ref<const std::string&>(), scope);
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) out[key] = resolveTemplates(item, scope);
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) out.push_back(resolveTemplates(item, scope));
    return out;
  }
  return value;
}

}  // namespace pledge::server::workflow
