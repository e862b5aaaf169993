// The syntax of names and types in the IDL: C++ identifiers and qualified names, the type
// grammar (string, int, ..., list<T>, map<T>, optional<T>, declared user types), the stem of
// generated file names, and the "did you mean" hints of pledge-gen's messages. Private to
// pledge-gen; idl.cpp reads the YAML with these.
//
//   std::set<std::string, std::less<>> userTypes = {"example::Order"};
//   IdlType type = parseType("list<example::Order>", userTypes);  // Kind::List of Kind::User
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include "pledge/gen/idl.h"

namespace pledge::gen {

// The Levenshtein distance between a and b.
std::size_t editDistance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" for the closest candidate within two edits, else "".
template <typename Names>
std::string suggestion(std::string_view name, const Names& candidates) {
  std::string best;
  std::size_t bestDistance = 3;
  for (const auto& candidate : candidates) {
    std::size_t distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// The names joined by ", ".
template <typename Names>
std::string listOf(const Names& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

// The stem of an IDL file's generated files: its name without ".pledge.yaml" (".pledge.yml",
// ".yaml", ".yml"), every character but letters and digits made '_', "idl_" before a digit.
std::string stemOfPath(const std::string& path);

// A C++ identifier: a letter or '_', then letters, digits and '_'.
bool isIdentifier(std::string_view name);
// A keyword of C++20.
bool isKeyword(std::string_view name);
// A qualified C++ name: identifiers joined by "::", optionally starting with "::".
bool isQualifiedName(std::string_view name);

// Parses the type grammar: builtin | list<T> | map<T> | optional<T> | declared user type.
// Throws pledge::Error(BadRequest) saying what is wrong; the reader adds file, line and key path.
IdlType parseType(std::string_view text, const std::set<std::string, std::less<>>& userTypes);

}  // namespace pledge::gen
