#include "cpp_events.h"

namespace pledge::gen {
namespace {

constexpr const char* kEventParams = "pledge::Arg<std::string> key, pledge::EventOptions options";

}  // namespace

std::string eventPromiseType(const IdlEvent& event) {
  return "pledge::Promise<" + event.payload.cppName() + ">";
}

void eventsDeclaration(Text& out, const IdlActor& decider) {
  out.line("// Waits for {}'s events: each call records an event task that waits for the event",
           decider.name);
  out.line("// of that name and a correlation key (timeoutMs: fail with pledge.Timeout after it);");
  out.line("// see {}::events().", decider.name);
  out.line("class {}Events {{", decider.name);
  out.line(" public:");
  for (const IdlEvent& event : decider.events) {
    out.line("  {} {}({} = {{}}) const;", eventPromiseType(event), event.name, kEventParams);
  }
  out.line("}};");
  out.blank();
}

void eventsDefinitions(Text& out, const IdlActor& decider) {
  for (const IdlEvent& event : decider.events) {
    out.line("{} {}Events::{}({}) const {{", eventPromiseType(event), decider.name, event.name,
             kEventParams);
    out.line("  return pledge::waitForEvent<{}>({}, std::move(key), options);",
             event.payload.cppName(), cppString(event.name));
    out.line("}}");
    out.blank();
  }
}

void eventsRecordingDeclaration(Text& out, const IdlActor& decider) {
  out.line("// Test double: the waits for {}'s events among the tasks a decider recorded.",
           decider.name);
  out.line("class {}EventsRecording {{", decider.name);
  out.line(" public:");
  for (const IdlEvent& event : decider.events) {
    out.line("  struct {}Wait {{", capitalized(event.name));
    out.line("    pledge::TaskSpec task;");
    out.line("    pledge::RecordedArg<std::string> key;");
    out.line("  }};");
  }
  out.blank();
  out.line("  explicit {}EventsRecording(const std::vector<pledge::TaskSpec>& tasks);",
           decider.name);
  out.blank();
  for (const IdlEvent& event : decider.events) {
    out.line("  const std::vector<{}Wait>& {}() const {{ return {}_; }}", capitalized(event.name),
             event.name, event.name);
  }
  out.blank();
  out.line(" private:");
  for (const IdlEvent& event : decider.events) {
    out.line("  std::vector<{}Wait> {}_;", capitalized(event.name), event.name);
  }
  out.line("}};");
  out.blank();
}

void eventsRecordingDefinition(Text& out, const IdlActor& decider) {
  out.line("{}EventsRecording::{}EventsRecording(const std::vector<pledge::TaskSpec>& tasks) {{",
           decider.name, decider.name);
  for (const IdlEvent& event : decider.events) {
    out.line("  for (const pledge::TaskSpec* task :");
    out.line("       pledge::detail::eventWaitsOf(tasks, {})) {{", cppString(event.name));
    out.line("    {}_.push_back({}Wait{{*task, pledge::RecordedArg<std::string>(task->args[0])}});",
             event.name, capitalized(event.name));
    out.line("  }}");
  }
  out.line("}}");
  out.blank();
}

}  // namespace pledge::gen
