// The C++ spellings the emitter writes for pieces of the IDL: string literals, parameter lists
// of implementations, proxies and starters, literals of the IDL's CallOptions defaults, argument
// specs and decoding. Private to pledge-gen; cpp_emitter.cpp assembles the files from these.
//
//   Text out;
//   out.line("  {} {}({}) const;", promiseType(method), method.name, proxyParams(method));
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "pledge/gen/idl.h"

namespace pledge::gen {

// Appends lines of generated text; every line ends with '\n'.
class Text {
 public:
  template <typename... Args>
  void line(fmt::format_string<Args...> format, Args&&... args) {
    text_ += fmt::format(format, std::forward<Args>(args)...);
    text_ += '\n';
  }
  void blank() { text_ += '\n'; }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

// text as a C++ string literal, quotes and backslashes escaped.
std::string cppString(std::string_view text);
// name with its first letter in upper case.
std::string capitalized(std::string name);
// parts with separator between them.
std::string joined(const std::vector<std::string>& parts, std::string_view separator);

// The parameter lists of a method: of the implementation (T, or Promise<T> for noWait and
// acceptFail parameters), of a proxy (Arg<T>) and of a starter (const T&).
std::string implParams(const IdlMethod& method);
std::string proxyParams(const IdlMethod& method);
std::string starterParams(const IdlMethod& method);

// What a proxy call returns: Promise<R>, Promise<void> for a method without a result.
std::string promiseType(const IdlMethod& method);
// What a worker method returns (R or void) and a decider method returns (Promise<R> or void).
std::string implReturnType(const IdlMethod& method, bool decider);

// A pledge::CallOptions literal of a method's IDL defaults.
std::string defaultsLiteral(const CallOptions& defaults);
// The lines of a Starter's start that apply the execute method's IDL deadlineMs and
// scheduleToStartMs to its StartOptions ("options"), unless with() set them; none without them.
std::vector<std::string> starterDefaults(const IdlMethod& execute);
// A proxy call's argument list: each Arg's spec, with its PromiseFlags when it has some.
std::string argSpecs(const IdlMethod& method);
// A dispatcher's arguments: each decoded from the task as the implementation takes it.
std::string decodedArgs(const IdlMethod& method);

// All methods a dispatcher or recording serves: the execute method first for deciders.
std::vector<const IdlMethod*> allMethods(const IdlActor& actor);

}  // namespace pledge::gen
