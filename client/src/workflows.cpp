#include "pledge/workflows.h"

#include <fmt/format.h>

#include "pledge/detail/generated_support.h"
#include "pledge/task_spec.h"

namespace pledge {

Promise<Json> callWorkflow(std::string_view name, int version, Arg<Json> input,
                           CallOptions options) {
  PLEDGE_REQUIRE(version >= 1, "workflow \"{}\": versions start at 1, got {}", name, version);
  PLEDGE_REQUIRE(name.find('#') == std::string_view::npos, "workflow \"{}\": a name has no '#'",
                 name);
  const std::string actor = fmt::format("workflow:{}#{}", name, version);
  const std::optional<std::string> bad = checkActorId(actor);
  PLEDGE_REQUIRE(!bad, "workflow \"{}\": {}", name, *bad);
  ArgSpec spec = std::move(input).spec();
  PLEDGE_REQUIRE(spec.kind != ArgSpec::Kind::Value || spec.value.is_object(),
                 "workflow \"{}\": the input is an object, got {}", name,
                 describeJson(spec.value));
  return Promise<Json>::ofTask(detail::recordCall(actor, "execute", TaskType::Decider,
                                                  {std::move(spec)}, std::move(options)));
}

}  // namespace pledge
