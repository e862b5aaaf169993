// Conductor's templates in workflow inputs: "${workflow.input.user}", "${mail.output.id}",
// "${loop.output.items[2].name}". A string that is one template becomes the value it names
// (any JSON); templates inside longer text are replaced by their text. A path that names
// nothing becomes null, as in Conductor.
//
//   Json scope = {{"workflow", {{"input", {{"user", "ann"}}}}}, {"mail", {{"output", ...}}}};
//   Json input = resolveTemplates({{"to", "${workflow.input.user}"}}, scope);   // {"to":"ann"}
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/json.h"

namespace pledge::server::workflow {

// One template found in a value: its path text ("mail.output.id") and the JSON pointer of the
// string holding it, relative to the value.
struct TemplateUse {
  std::string path;
  std::string pointer;
};

// Every template in value (strings at any depth).
std::vector<TemplateUse> templatesIn(const Json& value);

// The path split into keys and indices: "a.b[2].c" -> {"a","b",2,"c"} (indices as numbers).
// Throws pledge::Error(BadRequest) for a malformed path ("a..b", "a[x]", "").
std::vector<Json> splitTemplatePath(std::string_view path);

// value with every template replaced, looked up in scope (an object whose keys are the roots:
// "workflow" and the reference names).
Json resolveTemplates(const Json& value, const Json& scope);

}  // namespace pledge::server::workflow
