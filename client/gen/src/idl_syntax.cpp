#include "idl_syntax.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "pledge/error.h"

namespace pledge::gen {
namespace {

constexpr std::array kCppKeywords = {
    "alignas",   "alignof",   "and",       "asm",       "auto",      "bool",     "break",
    "case",      "catch",     "char",      "class",     "const",     "constexpr", "continue",
    "decltype",  "default",   "delete",    "do",        "double",    "else",     "enum",
    "explicit",  "export",    "extern",    "false",     "float",     "for",      "friend",
    "goto",      "if",        "inline",    "int",       "long",      "mutable",  "namespace",
    "new",       "noexcept",  "not",       "nullptr",   "operator",  "or",       "private",
    "protected", "public",    "register",  "return",    "short",     "signed",   "sizeof",
    "static",    "struct",    "switch",    "template",  "this",      "throw",    "true",
    "try",       "typedef",   "typeid",    "typename",  "union",     "unsigned", "using",
    "virtual",   "void",      "volatile",  "while",     "xor",       "co_await", "co_return",
    "co_yield",  "concept",   "requires",  "char8_t",   "consteval", "constinit"};

constexpr std::array kBuiltinTypes = {"string", "int", "long", "double", "bool", "json",
                                      "list", "map", "optional"};

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string stemOfPath(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  for (std::string_view suffix : {".pledge.yaml", ".pledge.yml", ".yaml", ".yml"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.resize(name.size() - suffix.size());
      break;
    }
  }
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name.insert(0, "idl_");
  return name;
}

bool isIdentifier(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool isKeyword(std::string_view name) {
  return std::find(kCppKeywords.begin(), kCppKeywords.end(), name) != kCppKeywords.end();
}

bool isQualifiedName(std::string_view name) {
  if (name.starts_with("::")) name.remove_prefix(2);
  while (true) {
    auto separator = name.find("::");
    if (!isIdentifier(name.substr(0, separator))) return false;
    if (separator == std::string_view::npos) return true;
    name.remove_prefix(separator + 2);
  }
}

IdlType parseType(std::string_view text, const std::set<std::string, std::less<>>& userTypes) {
  text = trim(text);
  PLEDGE_REQUIRE(!text.empty(), "empty type");
  const struct {
    std::string_view name;
    IdlType::Kind kind;
  } scalars[] = {{"string", IdlType::Kind::String}, {"int", IdlType::Kind::Int},
                 {"long", IdlType::Kind::Long},     {"double", IdlType::Kind::Double},
                 {"bool", IdlType::Kind::Bool},     {"json", IdlType::Kind::Json}};
  for (const auto& scalar : scalars) {
    if (text == scalar.name) return IdlType{.kind = scalar.kind, .userName = {}, .element = {}};
  }
  const struct {
    std::string_view name;
    IdlType::Kind kind;
  } generics[] = {{"list", IdlType::Kind::List},
                  {"map", IdlType::Kind::Map},
                  {"optional", IdlType::Kind::Optional}};
  auto open = text.find('<');
  if (open != std::string_view::npos) {
    std::string_view head = trim(text.substr(0, open));
    PLEDGE_REQUIRE(text.back() == '>', "'{}' lacks its closing '>'", text);
    for (const auto& generic : generics) {
      if (head == generic.name) {
        IdlType element = parseType(text.substr(open + 1, text.size() - open - 2), userTypes);
        return IdlType{.kind = generic.kind, .userName = {}, .element = {std::move(element)}};
      }
    }
    throw Error(ErrorCode::BadRequest,
                fmt::format("unknown generic type '{}' (list<T>, map<T> and optional<T> exist){}",
                            head, suggestion(head, std::array{"list", "map", "optional"})));
  }
  for (const auto& generic : generics) {
    PLEDGE_REQUIRE(text != generic.name, "'{}' needs an element type: {}<T>", text, text);
  }
  if (userTypes.contains(text)) {
    return IdlType{.kind = IdlType::Kind::User, .userName = std::string(text), .element = {}};
  }
  std::vector<std::string> known(kBuiltinTypes.begin(), kBuiltinTypes.end());
  known.insert(known.end(), userTypes.begin(), userTypes.end());
  throw Error(ErrorCode::BadRequest,
              fmt::format("unknown type '{}'{}: use string, int, long, double, bool, json, "
                          "list<T>, map<T>, optional<T>, or a user type declared under 'types'",
                          text, suggestion(text, known)));
}

std::string IdlType::cppName() const {
  switch (kind) {
    case Kind::String: return "std::string";
    case Kind::Int: return "std::int32_t";
    case Kind::Long: return "std::int64_t";
    case Kind::Double: return "double";
    case Kind::Bool: return "bool";
    case Kind::Json: return "nlohmann::json";
    case Kind::List: return "std::vector<" + element.at(0).cppName() + ">";
    case Kind::Map: return "std::map<std::string, " + element.at(0).cppName() + ">";
    case Kind::Optional: return "std::optional<" + element.at(0).cppName() + ">";
    case Kind::User: return userName;
  }
  return userName;
}

std::string IdlType::idlName() const {
  switch (kind) {
    case Kind::String: return "string";
    case Kind::Int: return "int";
    case Kind::Long: return "long";
    case Kind::Double: return "double";
    case Kind::Bool: return "bool";
    case Kind::Json: return "json";
    case Kind::List: return "list<" + element.at(0).idlName() + ">";
    case Kind::Map: return "map<" + element.at(0).idlName() + ">";
    case Kind::Optional: return "optional<" + element.at(0).idlName() + ">";
    case Kind::User: return userName;
  }
  return userName;
}

}  // namespace pledge::gen
