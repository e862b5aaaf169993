#include "pledge/gen/cpp_emitter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace pledge::gen {
namespace {

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

// The C++ parameter type an implementation receives.
std::string implParamType(const IdlParam& param) {
  return param.arrivesAsPromise() ? "pledge::Promise<" + param.type.cppName() + ">"
                                  : param.type.cppName();
}

std::string implParams(const IdlMethod& method) {
  std::vector<std::string> parts;
  for (const IdlParam& param : method.params) parts.push_back(implParamType(param) + " " + param.name);
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

// What a proxy call returns: Promise<R>, Promise<void> for a method without a result.
std::string promiseType(const IdlMethod& method) {
  return "pledge::Promise<" + (method.returns ? method.returns->cppName() : "void") + ">";
}

// What a worker method returns (R or void) and a decider method returns (Promise<R> or void).
std::string implReturnType(const IdlMethod& method, bool decider) {
  if (!method.returns) return "void";
  return decider ? "pledge::Promise<" + method.returns->cppName() + ">" : method.returns->cppName();
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

std::string defaultsLiteral(const CallOptions& defaults) {
  // Every field, in declaration order: designated initializers that skip some warn.
  auto orNull = [](bool has, const std::string& value) { return has ? value : "std::nullopt"; };
  return fmt::format(
      "pledge::CallOptions{{.startTime = std::nullopt, .taskList = {}, .priority = {}, "
      ".timeoutMs = {}, .retry = {}}}",
      orNull(defaults.taskList.has_value(), cppString(defaults.taskList.value_or(""))),
      orNull(defaults.priority.has_value(), std::to_string(defaults.priority.value_or(0))),
      orNull(defaults.timeoutMs.has_value(), std::to_string(defaults.timeoutMs.value_or(0))),
      orNull(defaults.retry.has_value(),
             defaults.retry ? retryLiteral(*defaults.retry) : std::string()));
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

// All methods a dispatcher or recording serves: the execute method first for deciders.
std::vector<const IdlMethod*> allMethods(const IdlActor& actor) {
  std::vector<const IdlMethod*> methods;
  if (actor.execute) methods.push_back(&*actor.execute);
  for (const IdlMethod& method : actor.methods) methods.push_back(&method);
  return methods;
}

class Emitter {
 public:
  explicit Emitter(const IdlFile& idl) : idl_(idl) {}

  GeneratedCode emit() {
    GeneratedCode code;
    code.headerName = idl_.stem + ".pledge.h";
    code.sourceName = idl_.stem + ".pledge.cpp";
    code.header = header();
    code.source = source(code.headerName);
    return code;
  }

 private:
  std::string idlName() const { return idl_.path.substr(idl_.path.find_last_of('/') + 1); }
  std::string registerFunction() const { return "pledge_register_" + idl_.stem; }

  void openNamespace(Text& out) const {
    if (!idl_.cppNamespace.empty()) {
      out.line("namespace {} {{", idl_.cppNamespace);
      out.blank();
    }
  }
  void closeNamespace(Text& out) const {
    if (!idl_.cppNamespace.empty()) out.line("}}  // namespace {}", idl_.cppNamespace);
  }

  std::string header() const {
    Text out;
    out.line("// Generated by pledge-gen from {}. DO NOT EDIT.", idlName());
    out.line("#pragma once");
    out.blank();
    for (std::string_view system : {"cstdint", "map", "memory", "optional", "string", "vector"}) {
      out.line("#include <{}>", system);
    }
    out.blank();
    out.line("#include <pledge/detail/generated_support.h>");
    if (!idl_.includes.empty()) out.blank();
    for (const std::string& include : idl_.includes) out.line("#include {}", cppString(include));
    out.blank();
    openNamespace(out);
    for (const IdlActor& worker : idl_.workers) workerDeclarations(out, worker);
    for (const IdlActor& decider : idl_.deciders) deciderDeclarations(out, decider);
    closeNamespace(out);
    out.blank();
    out.line("// Registers every actor of {} that names its implementation class.", idlName());
    out.line("extern \"C\" PLEDGE_EXPORT void {}(pledge::ActorRegistry& registry);",
             registerFunction());
    return out.take();
  }

  std::string source(const std::string& headerName) const {
    Text out;
    out.line("// Generated by pledge-gen from {}. DO NOT EDIT.", idlName());
    out.line("#include {}", cppString(headerName));
    std::vector<std::string> implIncludes;
    for (const auto* group : {&idl_.workers, &idl_.deciders}) {
      for (const IdlActor& actor : *group) {
        if (actor.impl && std::find(implIncludes.begin(), implIncludes.end(),
                                    actor.impl->include) == implIncludes.end()) {
          implIncludes.push_back(actor.impl->include);
        }
      }
    }
    if (!implIncludes.empty()) out.blank();
    for (const std::string& include : implIncludes) out.line("#include {}", cppString(include));
    out.blank();
    openNamespace(out);
    for (const IdlActor& worker : idl_.workers) {
      proxyDefinitions(out, worker, worker.name + "Client", "Worker", worker.methods);
      dispatcherDefinition(out, worker);
      recordingDefinition(out, worker);
    }
    for (const IdlActor& decider : idl_.deciders) {
      proxyDefinitions(out, decider, decider.name + "Async", "Decider", decider.methods);
      proxyDefinitions(out, decider, decider.name + "Client", "Decider", {*decider.execute});
      starterDefinition(out, decider);
      dispatcherDefinition(out, decider);
      recordingDefinition(out, decider);
    }
    registrationDefinition(out);
    closeNamespace(out);
    out.blank();
    out.line("void {}(pledge::ActorRegistry& registry) {{", registerFunction());
    out.line("  {}registerActors(registry);",
             idl_.cppNamespace.empty() ? "" : idl_.cppNamespace + "::");
    out.line("}}");
    return out.take();
  }

  // ---- declarations ---------------------------------------------------------------------

  void workerDeclarations(Text& out, const IdlActor& worker) const {
    out.line("// {}: worker interface. Implement it; a runtime calls it for each task.",
             worker.id());
    out.line("class {} {{", worker.name);
    out.line(" public:");
    out.line("  static constexpr const char* kActor = {};", cppString(worker.id()));
    out.blank();
    out.line("  virtual ~{}() = default;", worker.name);
    for (const IdlMethod& method : worker.methods) {
      out.line("  virtual {} {}({}) = 0;", implReturnType(method, false), method.name,
               implParams(method));
    }
    out.line("}};");
    out.blank();
    proxyDeclaration(out, worker.name + "Client", worker.methods,
                     fmt::format("Client proxy of {}: inside a decider, each call records a "
                                 "worker task and returns its promise.",
                                 worker.name));
    dispatcherDeclaration(out, worker);
    recordingDeclaration(out, worker);
  }

  void deciderDeclarations(Text& out, const IdlActor& decider) const {
    proxyDeclaration(out, decider.name + "Async", decider.methods,
                     fmt::format("Records {}'s asynchronous methods as decider tasks; see "
                                 "{}::async().",
                                 decider.name, decider.name));
    out.line("// {}: decider interface. Implement it; its methods only plan: they call", decider.id());
    out.line("// proxies, combine promises and return.");
    out.line("class {} {{", decider.name);
    out.line(" public:");
    out.line("  static constexpr const char* kActor = {};", cppString(decider.id()));
    out.blank();
    out.line("  virtual ~{}() = default;", decider.name);
    out.line("  // execute: the start of a process.");
    out.line("  virtual {} {}({}) = 0;", implReturnType(*decider.execute, true),
             decider.execute->name, implParams(*decider.execute));
    if (!decider.methods.empty()) {
      out.line("  // asynchronous: run as decider tasks once their arguments resolve; call them");
      out.line("  // through async().");
    }
    for (const IdlMethod& method : decider.methods) {
      out.line("  virtual {} {}({}) = 0;", implReturnType(method, true), method.name,
               implParams(method));
    }
    out.blank();
    out.line(" protected:");
    out.line("  // The self-proxy: calls through it record decider tasks of this decider.");
    out.line("  const {}Async& async() const {{ return async_; }}", decider.name);
    out.blank();
    out.line(" private:");
    out.line("  {}Async async_;", decider.name);
    out.line("}};");
    out.blank();
    proxyDeclaration(out, decider.name + "Client", {*decider.execute},
                     fmt::format("Decider client of {}: inside a decider, a call records a "
                                 "sub-process whose result comes back as a promise.",
                                 decider.name));
    starterDeclaration(out, decider);
    dispatcherDeclaration(out, decider);
    recordingDeclaration(out, decider);
  }

  void proxyDeclaration(Text& out, const std::string& className,
                        const std::vector<IdlMethod>& methods, const std::string& comment) const {
    out.line("// {}", comment);
    out.line("class {} {{", className);
    out.line(" public:");
    out.line("  // A copy whose calls use options over these and the IDL defaults of each method.");
    out.line("  {} with(pledge::CallOptions options) const;", className);
    out.blank();
    for (const IdlMethod& method : methods) {
      out.line("  {} {}({}) const;", promiseType(method), method.name, proxyParams(method));
    }
    out.blank();
    out.line(" private:");
    out.line("  pledge::CallOptions options_;");
    out.line("}};");
    out.blank();
  }

  void starterDeclaration(Text& out, const IdlActor& decider) const {
    const IdlMethod& execute = *decider.execute;
    out.line("// Starts {} processes from outside a decider (over a pledge::ProcessStarter).",
             decider.name);
    out.line("class {}Starter {{", decider.name);
    out.line(" public:");
    out.line("  explicit {}Starter(pledge::ProcessStarter& starter) : starter_(&starter) {{}}",
             decider.name);
    out.line("  // A copy that starts with options (customId, startTime, taskList).");
    out.line("  {}Starter with(pledge::StartOptions options) const;", decider.name);
    out.line("  // Throws pledge::Error when the server refuses or cannot be reached.");
    out.line("  pledge::StartedProcess {}({}) const;", execute.name, starterParams(execute));
    out.blank();
    out.line(" private:");
    out.line("  pledge::ProcessStarter* starter_;");
    out.line("  pledge::StartOptions options_;");
    out.line("}};");
    out.blank();
  }

  void dispatcherDeclaration(Text& out, const IdlActor& actor) const {
    out.line("// Calls a {} implementation for polled tasks.", actor.name);
    out.line("class {}Dispatcher final : public pledge::ActorDispatcher {{", actor.name);
    out.line(" public:");
    out.line("  explicit {}Dispatcher(std::unique_ptr<{}> impl) : impl_(std::move(impl)) {{}}",
             actor.name, actor.name);
    out.line("  pledge::DispatchResult dispatch(const pledge::PolledTask& task) override;");
    out.blank();
    out.line(" private:");
    out.line("  std::unique_ptr<{}> impl_;", actor.name);
    out.line("}};");
    out.blank();
  }

  void recordingDeclaration(Text& out, const IdlActor& actor) const {
    out.line("// Test double: the calls of {} among the tasks a decider recorded.", actor.name);
    out.line("class {}Recording {{", actor.name);
    out.line(" public:");
    for (const IdlMethod* method : allMethods(actor)) {
      out.line("  struct {}Call {{", capitalized(method->name));
      out.line("    pledge::TaskSpec task;");
      for (const IdlParam& param : method->params) {
        out.line("    pledge::RecordedArg<{}> {};", param.type.cppName(), param.name);
      }
      out.line("  }};");
    }
    out.blank();
    out.line("  explicit {}Recording(const std::vector<pledge::TaskSpec>& tasks);", actor.name);
    out.blank();
    for (const IdlMethod* method : allMethods(actor)) {
      out.line("  const std::vector<{}Call>& {}() const {{ return {}_; }}",
               capitalized(method->name), method->name, method->name);
    }
    out.blank();
    out.line(" private:");
    for (const IdlMethod* method : allMethods(actor)) {
      out.line("  std::vector<{}Call> {}_;", capitalized(method->name), method->name);
    }
    out.line("}};");
    out.blank();
  }

  // ---- definitions ----------------------------------------------------------------------

  void proxyDefinitions(Text& out, const IdlActor& actor, const std::string& className,
                        std::string_view taskType, const std::vector<IdlMethod>& methods) const {
    out.line("{} {}::with(pledge::CallOptions options) const {{", className, className);
    out.line("  {} copy = *this;", className);
    out.line("  copy.options_ = options.over(options_);");
    out.line("  return copy;");
    out.line("}}");
    out.blank();
    for (const IdlMethod& method : methods) {
      out.line("{} {}::{}({}) const {{", promiseType(method), className, method.name,
               proxyParams(method));
      out.line("  return {}::ofTask(pledge::detail::recordCall(", promiseType(method));
      out.line("      {}::kActor, {}, pledge::TaskType::{},", actor.name, cppString(method.name),
               taskType);
      out.line("      {},", argSpecs(method));
      if (method.defaults.empty()) {
        out.line("      options_));");
      } else {
        out.line("      options_.over({})));", defaultsLiteral(method.defaults));
      }
      out.line("}}");
      out.blank();
    }
  }

  void starterDefinition(Text& out, const IdlActor& decider) const {
    const IdlMethod& execute = *decider.execute;
    const std::string className = decider.name + "Starter";
    out.line("{} {}::with(pledge::StartOptions options) const {{", className, className);
    out.line("  {} copy = *this;", className);
    out.line("  copy.options_ = std::move(options);");
    out.line("  return copy;");
    out.line("}}");
    out.blank();
    std::vector<std::string> values;
    for (const IdlParam& param : execute.params) values.push_back("nlohmann::json(" + param.name + ")");
    out.line("pledge::StartedProcess {}::{}({}) const {{", className, execute.name,
             starterParams(execute));
    out.line("  nlohmann::json args = nlohmann::json::array();");
    for (const std::string& value : values) out.line("  args.push_back({});", value);
    out.line("  return pledge::detail::startProcess(*starter_, {}::kActor, {}, std::move(args),",
             decider.name, cppString(execute.name));
    out.line("                                      options_);");
    out.line("}}");
    out.blank();
  }

  void dispatcherDefinition(Text& out, const IdlActor& actor) const {
    out.line("pledge::DispatchResult {}Dispatcher::dispatch(const pledge::PolledTask& task) {{",
             actor.name);
    for (const IdlMethod* method : allMethods(actor)) {
      out.line("  if (task.method == {}) {{", cppString(method->name));
      out.line("    pledge::detail::requireArgCount(task, {});", method->params.size());
      if (method->returns) {
        out.line("    return pledge::detail::resultOf(impl_->{}({}));", method->name,
                 decodedArgs(*method));
      } else {
        out.line("    impl_->{}({});", method->name, decodedArgs(*method));
        out.line("    return pledge::detail::voidResult();");
      }
      out.line("  }}");
    }
    out.line("  pledge::detail::throwUnknownMethod(task);");
    out.line("}}");
    out.blank();
  }

  void recordingDefinition(Text& out, const IdlActor& actor) const {
    out.line("{}Recording::{}Recording(const std::vector<pledge::TaskSpec>& tasks) {{", actor.name,
             actor.name);
    for (const IdlMethod* method : allMethods(actor)) {
      out.line("  for (const pledge::TaskSpec* task :");
      out.line("       pledge::detail::callsOf(tasks, {}::kActor, {}, {})) {{", actor.name,
               cppString(method->name), method->params.size());
      std::vector<std::string> fields = {"*task"};
      for (std::size_t i = 0; i < method->params.size(); ++i) {
        fields.push_back(fmt::format("pledge::RecordedArg<{}>(task->args[{}])",
                                     method->params[i].type.cppName(), i));
      }
      out.line("    {}_.push_back({}Call{{{}}});", method->name, capitalized(method->name),
               joined(fields, ", "));
      out.line("  }}");
    }
    out.line("}}");
    out.blank();
  }

  void registrationDefinition(Text& out) const {
    out.line("namespace {{");
    out.blank();
    out.line("// Registers the actors of this file that name their implementation class.");
    out.line("void registerActors(pledge::ActorRegistry& registry) {{");
    bool any = false;
    for (const auto* group : {&idl_.workers, &idl_.deciders}) {
      for (const IdlActor& actor : *group) {
        if (!actor.impl) continue;
        any = true;
        std::vector<std::string> methods;
        for (const IdlMethod* method : allMethods(actor)) methods.push_back(cppString(method->name));
        out.line("  registry.add(pledge::ActorEntry{{");
        out.line("      .actor = {}::kActor,", actor.name);
        out.line("      .type = pledge::TaskType::{},", actor.isDecider ? "Decider" : "Worker");
        out.line("      .methods = {{{}}},", joined(methods, ", "));
        out.line("      .makeDispatcher = [] {{");
        out.line("        return std::make_unique<{}Dispatcher>(std::make_unique<{}>());", actor.name,
                 actor.impl->className);
        out.line("      }}}});");
      }
    }
    if (!any) out.line("  (void)registry;  // no actor of this file names an implementation");
    out.line("}}");
    out.blank();
    out.line("}}  // namespace");
    out.blank();
  }

  const IdlFile& idl_;
};

}  // namespace

GeneratedCode emitCpp(const IdlFile& idl) { return Emitter(idl).emit(); }

}  // namespace pledge::gen
