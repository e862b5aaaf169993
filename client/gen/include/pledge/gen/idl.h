// The IDL of actors (*.pledge.yaml) as pledge-gen reads it: parse, validate, and report the first
// problem as "file:line: key.path: what is wrong".
//
//   pledge::gen::IdlFile idl = pledge::gen::parseIdlFile("notification.pledge.yaml");
//   for (const pledge::gen::IdlActor& worker : idl.workers) { ... }
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/call_options.h"

namespace pledge::gen {

// Bad IDL. what() is "file:line: message"; line is 1-based (0 when unknown).
class IdlError : public std::runtime_error {
 public:
  IdlError(std::string file, int line, std::string message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  std::string message_;
};

struct IdlType {
  enum class Kind { String, Int, Long, Double, Bool, Json, List, Map, Optional, User };

  Kind kind = Kind::String;
  // Kind::User: the C++ name as declared under "types".
  std::string userName;
  // List, Map, Optional: exactly one element type.
  std::vector<IdlType> element;

  // The C++ type, e.g. "std::vector<std::int64_t>".
  std::string cppName() const;
  // The IDL spelling, e.g. "list<long>".
  std::string idlName() const;
};

struct IdlParam {
  std::string name;
  IdlType type;
  // The task does not wait for this argument; it arrives as Promise<T>, possibly pending.
  bool noWait = false;
  // A failure of this argument is accepted instead of breaking the process; it arrives as
  // Promise<T>. acceptFailTypes empty with acceptFail true accepts every error type.
  bool acceptFail = false;
  std::vector<std::string> acceptFailTypes;
  int line = 0;

  bool arrivesAsPromise() const { return noWait || acceptFail; }
};

struct IdlMethod {
  std::string name;
  std::vector<IdlParam> params;
  std::optional<IdlType> returns;
  // retry, timeoutMs, scheduleToStartMs, taskList, priority given in the IDL.
  CallOptions defaults;
  // A decider's execute method: the deadline of its processes (StartOptions::deadlineMs).
  std::optional<std::int64_t> deadlineMs;
  int line = 0;
};

// An event a decider waits for (its `events:`): the event tasks it records name it.
struct IdlEvent {
  std::string name;
  // What the waiting promise resolves with: the type given as `payload`, else json.
  IdlType payload{.kind = IdlType::Kind::Json, .userName = {}, .element = {}};
  int line = 0;
};

// The class that implements an actor, registered by the generated registration function.
struct IdlImpl {
  std::string className;
  std::string include;
};

struct IdlActor {
  std::string name;
  std::string version;
  bool isDecider = false;
  // Workers: every method. Deciders: the asynchronous methods.
  std::vector<IdlMethod> methods;
  // Deciders only: the execute method.
  std::optional<IdlMethod> execute;
  // Deciders only: the events it waits for, as declared.
  std::vector<IdlEvent> events;
  std::optional<IdlImpl> impl;
  int line = 0;

  std::string id() const { return name + "#" + version; }
};

struct IdlFile {
  std::string path;
  // File name without ".pledge.yaml" (or the last extension), as a C identifier.
  std::string stem;
  // C++ namespace of the generated code, e.g. "example::notification"; may be empty.
  std::string cppNamespace;
  std::vector<std::string> includes;
  std::vector<std::string> types;
  std::vector<IdlActor> workers;
  std::vector<IdlActor> deciders;
};

// Reads and validates an IDL file. Throws IdlError on unreadable files, YAML syntax errors and
// every rule of the IDL (unknown keys and types, duplicate names, missing versions, ...).
IdlFile parseIdlFile(const std::string& path);
// Same for text already read; path is used in messages and for the stem.
IdlFile parseIdlText(std::string_view text, const std::string& path);

}  // namespace pledge::gen
