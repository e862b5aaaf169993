// ScriptSandbox: evaluates the JavaScript (duktape) and jq (libjq) of workflows in helper
// processes (`pledge-script`), so that a script that loops forever or eats memory fails its
// task and never the server. Each evaluation has a time limit (the helper is killed and replaced
// when it runs over) and a memory limit (enforced inside the helper).
//
//   ScriptSandbox sandbox({.program = "/usr/bin/pledge-script"});
//   Json sum = sandbox.evaluate(ScriptLanguage::JavaScript, "$.a + $.b", {{"a", 1}, {"b", 2}});
//   Json all = sandbox.evaluate(ScriptLanguage::Jq, ".items[] | .id", input);   // an array
//
// Thread-safe: up to `processes` evaluations run at once, more wait for a helper.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "pledge/json.h"

namespace pledge::server::workflow {

enum class ScriptLanguage { JavaScript, Jq };

struct ScriptSandboxOptions {
  std::string program;  // the pledge-script executable
  std::int64_t timeoutMs = 2'000;
  std::int64_t memoryBytes = 64LL << 20;
  int processes = 2;
};

// A script that failed: type is "pledge.ScriptError" (it threw, did not compile, ran out of
// memory) or "pledge.ScriptTimeout".
class ScriptFailure : public std::exception {
 public:
  ScriptFailure(std::string type, std::string message)
      : type_(std::move(type)), message_(std::move(message)) {}
  const std::string& type() const { return type_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string type_;
  std::string message_;
};

inline constexpr std::string_view kScriptError = "pledge.ScriptError";
inline constexpr std::string_view kScriptTimeout = "pledge.ScriptTimeout";

class ScriptSandbox {
 public:
  explicit ScriptSandbox(ScriptSandboxOptions options);
  ~ScriptSandbox();
  ScriptSandbox(const ScriptSandbox&) = delete;
  ScriptSandbox& operator=(const ScriptSandbox&) = delete;

  // JavaScript: the value of the script with `$` bound to input (undefined reads as null).
  // jq: the array of every output of the program run on input. Throws ScriptFailure.
  Json evaluate(ScriptLanguage language, const std::string& code, const Json& input);

 private:
  struct Helper {
    int pid = -1;
    int socket = -1;
  };
  Helper spawn() const;
  static void stop(Helper& helper);

  ScriptSandboxOptions options_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Helper> idle_;
  int running_ = 0;
};

// The helper's side: serves requests on stdin/stdout until stdin closes (pledge-script's main).
int runScriptHelper(std::int64_t memoryBytes);

}  // namespace pledge::server::workflow
