// Imports a workflow written in Orchy's action format (github.com/Mohitkumar/orchy) as a workflow
// in the Conductor schema that Pledge interprets: SIMPLE, INLINE, SWITCH, WAIT and nothing else.
// docs/workflows-orchy.md gives the mapping action by action and what cannot be translated.
//
//   Json conductor = pledge::cli::importOrchy(pledge::parseJson(text));
//   // throws OrchyImportError "/actions/3/next/default/0: no action has id 42"
#pragma once

#include <string>

#include "pledge/error.h"
#include "pledge/json.h"

namespace pledge::cli {

// An Orchy workflow that is malformed, or uses what Conductor cannot express. Code BadRequest;
// the message is "<pointer>: <detail>", pointer being the RFC 6901 JSON pointer of the field at
// fault in the Orchy document ("" for the document itself).
class OrchyImportError : public Error {
 public:
  OrchyImportError(std::string pointer, std::string detail);

  const std::string& pointer() const { return pointer_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string pointer_;
  std::string detail_;
};

// The Conductor workflow of an Orchy one: a pure function of its input (the same Orchy JSON
// always gives the same Conductor JSON). Throws OrchyImportError naming the first bad field.
Json importOrchy(const Json& orchy);

}  // namespace pledge::cli
