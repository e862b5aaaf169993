#include "cpp_fragments.h"

#include <cctype>

namespace pledge::gen {
namespace {

// The C++ parameter type an implementation receives.
std::string implParamType(const IdlParam& param) {
  return param.arrivesAsPromise() ? "pledge::Promise<" + param.type.cppName() + ">"
                                  : param.type.cppName();
}

std::string retryLiteral(const RetryPolicy& policy) {
  constexpr std::string_view kinds[] = {"None", "Fixed", "Linear", "Exponential"};
  std::vector<std::string> types;
  for (const std::string& type : policy.nonRetryable) types.push_back(cppString(type));
  return fmt::format(
      "pledge::RetryPolicy{{.kind = pledge::RetryKind::{}, .initialMs = {}, .maxMs = {}, "
      ".multiplier = {}, .maxAttempts = {}, .nonRetryable = {{{}}}}}",
      kinds[static_cast<int>(policy.kind)], policy.initialMs, policy.maxMs, policy.multiplier,
      policy.maxAttempts, joined(types, ", "));
}

std::string flagsLiteral(const IdlParam& param) {
  std::string acceptFail = "pledge::AcceptFail{}";
  if (param.acceptFail && param.acceptFailTypes.empty()) {
    acceptFail = "pledge::AcceptFail::any()";
  } else if (param.acceptFail) {
    std::vector<std::string> types;
    for (const std::string& type : param.acceptFailTypes) types.push_back(cppString(type));
    acceptFail = "pledge::AcceptFail::ofTypes({" + joined(types, ", ") + "})";
  }
  return fmt::format("pledge::PromiseFlags{{.noWait = {}, .acceptFail = {}}}",
                     param.noWait ? "true" : "false", acceptFail);
}

}  // namespace

std::string cppString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string capitalized(std::string name) {
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) text += separator;
    text += parts[i];
  }
  return text;
}

std::string implParams(const IdlMethod& method) {
  std::vector<std::string> parts;
  for (const IdlParam& param : method.params) {
    parts.push_back(implParamType(param) + " " + param.name);
  }
  return joined(parts, ", ");
}

std::string proxyParams(const IdlMethod& method) {
  std::vector<std::string> parts;
  for (const IdlParam& param : method.params) {
    parts.push_back("pledge::Arg<" + param.type.cppName() + "> " + param.name);
  }
  return joined(parts, ", ");
}

std::string starterParams(const IdlMethod& method) {
  std::vector<std::string> parts;
  for (const IdlParam& param : method.params) {
    parts.push_back("const " + param.type.cppName() + "& " + param.name);
  }
  return joined(parts, ", ");
}

std::string promiseType(const IdlMethod& method) {
  return "pledge::Promise<" + (method.returns ? method.returns->cppName() : "void") + ">";
}

std::string implReturnType(const IdlMethod& method, bool decider) {
  if (!method.returns) return "void";
  return decider ? "pledge::Promise<" + method.returns->cppName() + ">" : method.returns->cppName();
}

std::string defaultsLiteral(const CallOptions& defaults) {
  // Every field, in declaration order: designated initializers that skip some warn.
  auto orNull = [](bool has, const std::string& value) { return has ? value : "std::nullopt"; };
  return fmt::format(
      "pledge::CallOptions{{.startTime = std::nullopt, .taskList = {}, .priority = {}, "
      ".timeoutMs = {}, .scheduleToStartMs = {}, .retry = {}}}",
      orNull(defaults.taskList.has_value(), cppString(defaults.taskList.value_or(""))),
      orNull(defaults.priority.has_value(), std::to_string(defaults.priority.value_or(0))),
      orNull(defaults.timeoutMs.has_value(), std::to_string(defaults.timeoutMs.value_or(0))),
      orNull(defaults.scheduleToStartMs.has_value(),
             std::to_string(defaults.scheduleToStartMs.value_or(0))),
      orNull(defaults.retry.has_value(),
             defaults.retry ? retryLiteral(*defaults.retry) : std::string()));
}

std::vector<std::string> starterDefaults(const IdlMethod& execute) {
  std::vector<std::string> lines;
  if (!execute.deadlineMs && !execute.defaults.scheduleToStartMs) return lines;
  lines.push_back("  pledge::StartOptions options = options_;");
  if (execute.deadlineMs) {
    lines.push_back(fmt::format("  if (!options.deadlineMs) options.deadlineMs = {};",
                                *execute.deadlineMs));
  }
  if (execute.defaults.scheduleToStartMs) {
    lines.push_back(
        fmt::format("  if (!options.scheduleToStartMs) options.scheduleToStartMs = {};",
                    *execute.defaults.scheduleToStartMs));
  }
  return lines;
}

std::string argSpecs(const IdlMethod& method) {
  std::vector<std::string> parts;
  for (const IdlParam& param : method.params) {
    std::string spec = "std::move(" + param.name + ").spec()";
    if (param.arrivesAsPromise()) {
      spec = "pledge::detail::withFlags(" + spec + ", " + flagsLiteral(param) + ")";
    }
    parts.push_back(spec);
  }
  return "pledge::detail::argList(" + joined(parts, ", ") + ")";
}

std::string decodedArgs(const IdlMethod& method) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < method.params.size(); ++i) {
    parts.push_back(fmt::format("pledge::detail::decodeArg<{}>(task, {})",
                                implParamType(method.params[i]), i));
  }
  return joined(parts, ", ");
}

std::vector<const IdlMethod*> allMethods(const IdlActor& actor) {
  std::vector<const IdlMethod*> methods;
  if (actor.execute) methods.push_back(&*actor.execute);
  for (const IdlMethod& method : actor.methods) methods.push_back(&method);
  return methods;
}

}  // namespace pledge::gen
