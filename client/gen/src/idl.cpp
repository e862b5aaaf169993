#include "pledge/gen/idl.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "idl_syntax.h"
#include "pledge/error.h"
#include "yaml_fields.h"

namespace pledge::gen {
namespace {

// Names the generated classes use for their own members; a decider's also has events().
constexpr std::array kReservedMethodNames = {"with",  "async",    "dispatch", "kActor",
                                             "impl_", "options_", "task"};
constexpr std::string_view kReservedDeciderMethodName = "events";

constexpr std::array kTopLevelKeys = {"namespace", "includes", "types", "workers", "deciders"};
constexpr std::array kWorkerKeys = {"version", "impl", "methods"};
constexpr std::array kDeciderKeys = {"version", "impl", "execute", "asynchronous", "events"};
constexpr std::array kEventKeys = {"payload"};
constexpr std::array kImplKeys = {"class", "include"};
constexpr std::array kMethodKeys = {"params",   "returns",  "retry",      "timeoutMs",
                                    "taskList", "priority", "deadlineMs", "scheduleToStartMs"};
constexpr std::array kRetryKeys = {"policy",     "initialMs",   "maxMs",
                                   "multiplier", "maxAttempts", "nonRetryable"};
constexpr std::array kParamFlags = {"acceptFail", "noWait"};

// Reads one IDL document, failing with file, line and key path.
class IdlReader : YamlFields {
 public:
  explicit IdlReader(std::string path) : YamlFields(std::move(path)) {}

  IdlFile read(const YAML::Node& root) {
    IdlFile idl;
    idl.path = path();
    idl.stem = stemOfPath(path());
    if (!root.IsDefined() || root.IsNull()) fail(root, "", "the IDL file is empty");
    requireMap(root, "");
    rejectUnknownKeys(root, "", kTopLevelKeys);

    if (root["namespace"]) {
      idl.cppNamespace = scalar(root["namespace"], "namespace");
      if (!isQualifiedName(idl.cppNamespace) || idl.cppNamespace.starts_with("::")) {
        fail(root["namespace"], "namespace",
             fmt::format("'{}' is not a C++ namespace name like example::notification",
                         idl.cppNamespace));
      }
    }
    if (root["includes"]) idl.includes = stringList(root["includes"], "includes");
    if (root["types"]) {
      idl.types = stringList(root["types"], "types");
      for (std::size_t i = 0; i < idl.types.size(); ++i) {
        if (!isQualifiedName(idl.types[i])) {
          fail(root["types"][i], fmt::format("types[{}]", i),
               fmt::format("'{}' is not a C++ type name", idl.types[i]));
        }
        if (!userTypes_.insert(idl.types[i]).second) {
          fail(root["types"][i], fmt::format("types[{}]", i),
               fmt::format("type '{}' is declared twice", idl.types[i]));
        }
      }
    }
    if (root["workers"]) idl.workers = actors(root["workers"], "workers", /*deciders=*/false);
    if (root["deciders"]) idl.deciders = actors(root["deciders"], "deciders", /*deciders=*/true);
    if (idl.workers.empty() && idl.deciders.empty()) {
      fail(root, "", "the IDL declares no actors: add 'workers' or 'deciders'");
    }
    checkActorNamesUnique(idl);
    return idl;
  }

 private:
  void requireIdentifier(const YAML::Node& node, std::string_view keyPath, const std::string& name,
                         std::string_view what) const {
    if (!isIdentifier(name)) {
      fail(node, keyPath,
           fmt::format("{} '{}' is not an identifier (letters, digits, _)", what, name));
    }
    if (isKeyword(name)) fail(node, keyPath, fmt::format("{} '{}' is a C++ keyword", what, name));
  }

  // A method's or an event's name: an identifier the generated classes do not use themselves.
  void requireMethodName(const YAML::Node& node, std::string_view keyPath, const std::string& name,
                         std::string_view what, bool decider) const {
    requireIdentifier(node, keyPath, name, what);
    if (std::find(kReservedMethodNames.begin(), kReservedMethodNames.end(), name) !=
            kReservedMethodNames.end() ||
        (decider && name == kReservedDeciderMethodName)) {
      fail(node, keyPath, fmt::format("{} '{}' is reserved by the generated classes", what, name));
    }
  }

  std::vector<IdlActor> actors(const YAML::Node& node, const std::string& keyPath, bool deciders) {
    requireMap(node, keyPath);
    std::vector<IdlActor> result;
    std::map<std::string, int> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string name = it->first.Scalar();
      std::string path = keyPath + "." + name;
      requireIdentifier(it->first, path, name, "actor name");
      auto [previous, inserted] = seen.emplace(name, it->first.Mark().line + 1);
      if (!inserted) {
        fail(it->first, path, fmt::format("duplicate actor (first at line {})", previous->second));
      }
      result.push_back(actor(it->first, it->second, name, path, deciders));
    }
    return result;
  }

  IdlActor actor(const YAML::Node& keyNode, const YAML::Node& node, const std::string& name,
                 const std::string& keyPath, bool isDecider) {
    IdlActor actor;
    actor.name = name;
    actor.isDecider = isDecider;
    actor.line = keyNode.Mark().line + 1;
    if (!node.IsMap()) fail(keyNode, keyPath, "expected a map with version and methods");
    if (isDecider) {
      rejectUnknownKeys(node, keyPath, kDeciderKeys);
    } else {
      rejectUnknownKeys(node, keyPath, kWorkerKeys);
    }
    if (!node["version"]) fail(keyNode, keyPath, "missing version (e.g. version: \"1.0\")");
    actor.version = scalar(node["version"], keyPath + ".version");
    if (actor.version.empty() || actor.version.find_first_of("# \t") != std::string::npos) {
      fail(node["version"], keyPath + ".version",
           fmt::format("'{}' is not a version: non-empty, without '#' or spaces", actor.version));
    }
    if (node["impl"]) actor.impl = impl(node["impl"], keyPath + ".impl");

    std::map<std::string, int> methodLines;
    if (isDecider) {
      const YAML::Node execute = node["execute"];
      if (!execute) fail(keyNode, keyPath, "a decider needs exactly one 'execute' method");
      requireMap(execute, keyPath + ".execute");
      if (execute.size() != 1) {
        fail(execute, keyPath + ".execute",
             fmt::format("a decider has exactly one execute method, found {}", execute.size()));
      }
      auto it = execute.begin();
      actor.execute = method(it->first, it->second, keyPath + ".execute", methodLines, true);
      if (node["asynchronous"]) {
        actor.methods = methods(node["asynchronous"], keyPath + ".asynchronous", methodLines, true);
      }
      if (node["events"]) actor.events = events(node["events"], keyPath + ".events");
    } else {
      if (!node["methods"]) fail(keyNode, keyPath, "a worker needs 'methods'");
      actor.methods = methods(node["methods"], keyPath + ".methods", methodLines, false);
      if (actor.methods.empty()) fail(node["methods"], keyPath + ".methods", "no methods");
    }
    return actor;
  }

  IdlImpl impl(const YAML::Node& node, const std::string& keyPath) const {
    requireMap(node, keyPath);
    rejectUnknownKeys(node, keyPath, kImplKeys);
    IdlImpl impl;
    if (!node["class"]) fail(node, keyPath, "missing class (the C++ class implementing the actor)");
    impl.className = scalar(node["class"], keyPath + ".class");
    if (!isQualifiedName(impl.className)) {
      fail(node["class"], keyPath + ".class",
           fmt::format("'{}' is not a C++ class name", impl.className));
    }
    if (!node["include"]) fail(node, keyPath, "missing include (the header declaring the class)");
    impl.include = scalar(node["include"], keyPath + ".include");
    return impl;
  }

  std::vector<IdlMethod> methods(const YAML::Node& node, const std::string& keyPath,
                                 std::map<std::string, int>& methodLines, bool decider) {
    if (node.IsNull()) return {};
    requireMap(node, keyPath);
    std::vector<IdlMethod> result;
    for (auto it = node.begin(); it != node.end(); ++it) {
      result.push_back(method(it->first, it->second, keyPath, methodLines, decider));
    }
    return result;
  }

  IdlMethod method(const YAML::Node& keyNode, const YAML::Node& node, const std::string& parentPath,
                   std::map<std::string, int>& methodLines, bool decider) {
    IdlMethod method;
    method.name = keyNode.Scalar();
    method.line = keyNode.Mark().line + 1;
    const std::string keyPath = parentPath + "." + method.name;
    requireMethodName(keyNode, keyPath, method.name, "method name", decider);
    auto [previous, inserted] = methodLines.emplace(method.name, method.line);
    if (!inserted) {
      fail(keyNode, keyPath, fmt::format("duplicate method (first at line {})", previous->second));
    }
    if (node.IsNull()) return method;
    requireMap(node, keyPath);
    rejectUnknownKeys(node, keyPath, kMethodKeys);
    if (node["params"]) method.params = params(node["params"], keyPath + ".params");
    if (node["returns"]) method.returns = type(node["returns"], keyPath + ".returns");
    if (node["retry"]) method.defaults.retry = retry(node["retry"], keyPath + ".retry");
    auto ms = [&](const char* key) { return integer(node[key], keyPath + "." + key, 1); };
    if (node["timeoutMs"]) method.defaults.timeoutMs = ms("timeoutMs");
    if (node["scheduleToStartMs"]) method.defaults.scheduleToStartMs = ms("scheduleToStartMs");
    if (node["deadlineMs"]) {
      if (!parentPath.ends_with(".execute")) {
        fail(node["deadlineMs"], keyPath + ".deadlineMs",
             "only a decider's execute method has a deadline (its process's)");
      }
      method.deadlineMs = ms("deadlineMs");
    }
    if (node["taskList"]) {
      method.defaults.taskList = scalar(node["taskList"], keyPath + ".taskList");
    }
    if (node["priority"]) {
      std::int64_t priority = integer(node["priority"], keyPath + ".priority", INT32_MIN);
      if (priority > INT32_MAX) {
        fail(node["priority"], keyPath + ".priority", "must fit in 32 bits");
      }
      method.defaults.priority = static_cast<int>(priority);
    }
    return method;
  }

  // A decider's events: name -> {payload: Type}, or nothing (a json payload).
  std::vector<IdlEvent> events(const YAML::Node& node, const std::string& keyPath) const {
    if (node.IsNull()) return {};
    if (!node.IsMap()) fail(node, keyPath, "expected a map like {paid: {payload: Payment}}");
    std::vector<IdlEvent> result;
    std::map<std::string, int> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      IdlEvent event;
      event.name = it->first.Scalar();
      event.line = it->first.Mark().line + 1;
      const std::string path = keyPath + "." + event.name;
      requireMethodName(it->first, path, event.name, "event name", /*decider=*/true);
      auto [previous, inserted] = seen.emplace(event.name, event.line);
      if (!inserted) {
        fail(it->first, path, fmt::format("duplicate event (first at line {})", previous->second));
      }
      if (!it->second.IsNull()) {
        if (!it->second.IsMap()) {
          fail(it->second, path, "expected {payload: Type}, or nothing for a json payload");
        }
        rejectUnknownKeys(it->second, path, kEventKeys);
        if (it->second["payload"]) event.payload = type(it->second["payload"], path + ".payload");
      }
      result.push_back(std::move(event));
    }
    return result;
  }

  IdlType type(const YAML::Node& node, const std::string& keyPath) const {
    std::string text = scalar(node, keyPath);
    try {
      return parseType(text, userTypes_);
    } catch (const Error& problem) {
      fail(node, keyPath, problem.message());
    }
  }

  std::vector<IdlParam> params(const YAML::Node& node, const std::string& keyPath) const {
    if (node.IsNull()) return {};
    if (!node.IsSequence()) {
      fail(node, keyPath,
           "expected a list like [{userId: string}, {sent: bool, acceptFail: true}]");
    }
    std::vector<IdlParam> result;
    std::map<std::string, int> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node entry = node[i];
      const std::string path = fmt::format("{}[{}]", keyPath, i);
      if (!entry.IsMap()) {
        fail(entry, path, "expected {name: type} with optional acceptFail, noWait");
      }
      IdlParam param;
      param.line = entry.Mark().line + 1;
      std::optional<YAML::Node> typeNode;
      std::map<std::string, int> keys;
      for (auto it = entry.begin(); it != entry.end(); ++it) {
        std::string key = it->first.Scalar();
        if (!keys.emplace(key, 0).second) fail(it->first, path + "." + key, "duplicate key");
        if (key == "acceptFail") {
          if (it->second.IsSequence()) {
            param.acceptFail = true;
            param.acceptFailTypes = stringList(it->second, path + ".acceptFail");
            if (param.acceptFailTypes.empty()) {
              fail(it->second, path + ".acceptFail",
                   "an empty list accepts nothing: use true or list error types");
            }
          } else {
            param.acceptFail = boolean(it->second, path + ".acceptFail");
          }
        } else if (key == "noWait") {
          param.noWait = boolean(it->second, path + ".noWait");
        } else {
          if (typeNode) {
            fail(it->first, path + "." + key,
                 fmt::format("a parameter has one name, found '{}' and '{}'{}", param.name, key,
                             suggestion(key, kParamFlags)));
          }
          param.name = key;
          typeNode = it->second;
          requireIdentifier(it->first, path, key, "parameter name");
        }
      }
      if (!typeNode) fail(entry, path, "missing the parameter's {name: type}");
      param.type = type(*typeNode, path + "." + param.name);
      auto [previous, inserted] = seen.emplace(param.name, param.line);
      if (!inserted) {
        fail(entry, path,
             fmt::format("duplicate parameter '{}' (first at line {})", param.name,
                         previous->second));
      }
      result.push_back(std::move(param));
    }
    return result;
  }

  RetryPolicy retry(const YAML::Node& node, const std::string& keyPath) const {
    requireMap(node, keyPath);
    rejectUnknownKeys(node, keyPath, kRetryKeys);
    RetryPolicy policy;
    if (!node["policy"]) fail(node, keyPath, "missing policy (none, fixed, linear or exponential)");
    std::string kind = scalar(node["policy"], keyPath + ".policy");
    constexpr std::array kinds = {"none", "fixed", "linear", "exponential"};
    auto found = std::find(kinds.begin(), kinds.end(), kind);
    if (found == kinds.end()) {
      fail(node["policy"], keyPath + ".policy",
           fmt::format("unknown policy '{}'{} (none, fixed, linear or exponential)", kind,
                       suggestion(kind, kinds)));
    }
    policy.kind = static_cast<RetryKind>(found - kinds.begin());
    if (node["initialMs"]) policy.initialMs = integer(node["initialMs"], keyPath + ".initialMs", 0);
    if (node["maxMs"]) policy.maxMs = integer(node["maxMs"], keyPath + ".maxMs", 0);
    if (node["maxAttempts"]) {
      policy.maxAttempts =
          static_cast<int>(integer(node["maxAttempts"], keyPath + ".maxAttempts", 0));
    }
    if (node["multiplier"]) {
      policy.multiplier = number(node["multiplier"], keyPath + ".multiplier");
      if (policy.multiplier < 1.0) {
        fail(node["multiplier"], keyPath + ".multiplier", "must be at least 1");
      }
    }
    if (node["nonRetryable"]) {
      policy.nonRetryable = stringList(node["nonRetryable"], keyPath + ".nonRetryable");
    }
    return policy;
  }

  void checkActorNamesUnique(const IdlFile& idl) const {
    std::map<std::string, int> seen;
    for (const auto* group : {&idl.workers, &idl.deciders}) {
      for (const IdlActor& actor : *group) {
        auto [previous, inserted] = seen.emplace(actor.name, actor.line);
        if (!inserted) {
          throw IdlError(path(), actor.line,
                         fmt::format("actor '{}' is declared twice (first at line {})", actor.name,
                                     previous->second));
        }
      }
    }
  }

  std::set<std::string, std::less<>> userTypes_;
};

}  // namespace

IdlError::IdlError(std::string file, int line, std::string message)
    : std::runtime_error(fmt::format("{}:{}: {}", file, line, message)),
      file_(std::move(file)),
      line_(line),
      message_(std::move(message)) {}

IdlFile parseIdlText(std::string_view text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    throw IdlError(path, error.mark.line + 1, "YAML syntax error: " + error.msg);
  }
  return IdlReader(path).read(root);
}

IdlFile parseIdlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IdlError(path, 0, "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parseIdlText(text.str(), path);
}

}  // namespace pledge::gen
