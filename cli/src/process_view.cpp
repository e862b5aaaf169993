#include "pledge/cli/process_view.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <functional>
#include <map>

#include "pledge/cli/arguments.h"

namespace pledge::cli {
namespace {

std::string text(const Json& value, const char* key) {
  auto it = value.find(key);
  return it == value.end() || !it->is_string() ? std::string() : it->get<std::string>();
}

std::int64_t number(const Json& value, const char* key) {
  auto it = value.find(key);
  return it == value.end() || !it->is_number() ? 0 : it->get<std::int64_t>();
}

// A short JSON rendering of a value: at most width characters.
std::string brief(const Json& value, std::size_t width = 40) {
  std::string dumped = value.dump();
  if (dumped.size() > width) dumped = dumped.substr(0, width - 1) + "…";
  return dumped;
}

// The mark of a task's type in the tree.
const char* typeMark(const std::string& type) {
  if (type == "decider") return "◆";
  if (type == "event") return "✉";
  if (type == "timer") return "◷";
  return "●";
}

}  // namespace

std::string humanDuration(std::int64_t ms) {
  if (ms < 1'000) return fmt::format("{} ms", ms);
  if (ms < 60'000) return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000);
  if (ms < 3'600'000) return fmt::format("{} min", ms / 60'000);
  return fmt::format("{} h", ms / 3'600'000);
}

std::string relativeTime(std::int64_t at, std::int64_t now) {
  if (at <= 0) return "-";
  const std::int64_t delta = now - at;
  if (delta < 0) return "in " + humanDuration(-delta);
  if (delta < 1'000) return "just now";
  if (delta < 60'000) return fmt::format("{}s ago", delta / 1000);
  return humanDuration(delta) + " ago";
}

std::string localTime(std::int64_t epochMs) {
  if (epochMs <= 0) return "-";
  const time_t seconds = static_cast<time_t>(epochMs / 1000);
  struct tm local {};
  char printed[32] = {};
  if (localtime_r(&seconds, &local) == nullptr ||
      strftime(printed, sizeof(printed), "%Y-%m-%d %H:%M:%S", &local) == 0) {
    return std::to_string(epochMs);
  }
  return printed;
}

std::string paintState(const std::string& state, bool colour) {
  if (!colour) return state;
  static const std::map<std::string, const char*> kColours = {
      {"completed", "32"}, {"resolved", "32"}, {"running", "33"},   {"ready", "33"},
      {"waiting", "90"},   {"scheduled", "90"}, {"pending", "90"},  {"failed", "31"},
      {"broken", "31"},    {"aborted", "35"},   {"cancelled", "35"}};
  auto found = kColours.find(state);
  return found == kColours.end() ? state : fmt::format("\x1b[{}m{}\x1b[0m", found->second, state);
}

std::string renderProcess(const Json& process, const Json& tasks, const RenderOptions& options) {
  // Number the tasks in creation order, and find each one's children.
  std::map<std::string, int> numbers;
  std::map<std::string, std::vector<const Json*>> children;
  std::vector<const Json*> roots;
  for (const Json& task : tasks) {
    numbers.emplace(text(task, "taskId"), static_cast<int>(numbers.size()) + 1);
  }
  for (const Json& task : tasks) {
    const std::string parent = text(task, "parentId");
    if (parent.empty() || !numbers.contains(parent)) {
      roots.push_back(&task);
    } else {
      children[parent].push_back(&task);
    }
  }
  auto ref = [&](const std::string& id) {
    auto found = numbers.find(id);
    return found == numbers.end() ? id.substr(0, 8) : fmt::format("#{}", found->second);
  };

  const std::string state = text(process, "state");
  std::string out =
      fmt::format("process {}  {}.{}  {}", text(process, "processId"), text(process, "actor"),
                  text(process, "method"), paintState(state, options.colour));
  if (!text(process, "customId").empty()) {
    out += fmt::format("  customId {}", text(process, "customId"));
  }
  const std::int64_t started = number(process, "startedAt");
  const std::int64_t ended = number(process, "endedAt");
  out += ended > 0 ? fmt::format("  took {}", humanDuration(ended - started))
                   : fmt::format("  started {}", relativeTime(started, options.now));
  if (number(process, "deadline") > 0) {
    out += fmt::format("  deadline {}", relativeTime(number(process, "deadline"), options.now));
  }
  out += "\n";
  const std::string tags = tagsText(process.value("tags", Json()));
  if (!tags.empty()) out += "tags   " + tags + "\n";
  if (state == "completed") out += "result " + brief(process.value("result", Json()), 200) + "\n";
  if (process.contains("error") && process["error"].is_object()) {
    // A deadline or a schedule-to-start (docs/operations.md) says so first.
    const bool timedOut = text(process["error"], "type") == "pledge.Timeout";
    out += fmt::format("{}error  {}: {}  (task {})\n", timedOut ? "timed out  " : "",
                       text(process["error"], "type"), text(process["error"], "message"),
                       ref(text(process, "failedTaskId")));
  }
  out += "\n";

  using Draw = std::function<void(const Json&, const std::string&, bool, bool)>;
  Draw draw = [&](const Json& task, const std::string& indent, bool last, bool root) {
    std::string edges;
    for (const Json& arg : task.value("args", Json::array())) {
      std::function<void(const Json&)> visit = [&](const Json& one) {
        if (one.contains("promise")) {
          const bool noWait = one.value("noWait", false);
          const bool acceptFail = one.contains("acceptFail") && one["acceptFail"] != false;
          edges += fmt::format(" {} {}{}", noWait ? "⇢" : "←",
                               ref(one["promise"].get<std::string>()), acceptFail ? "?" : "");
        } else if (one.contains("list")) {
          for (const Json& item : one["list"]) visit(item);
        }
      };
      visit(arg);
    }
    if (task.contains("forwardTo") && task["forwardTo"].is_string()) {
      edges += " = " + ref(task["forwardTo"].get<std::string>());
    }
    const std::string taskState = text(task, "state");
    std::string detail;
    if (taskState == "completed" &&
        !(task.contains("forwardTo") && task["forwardTo"].is_string())) {
      detail = "→ " + brief(task.value("result", Json()));
    }
    if (task.contains("error") && task["error"].is_object() && taskState != "completed") {
      detail = fmt::format("{}: {}", text(task["error"], "type"),
                           brief(task["error"].value("message", Json("")), 60));
    }
    // An event task waiting says for what (its key, when known) and until when.
    if (taskState == "listening") {
      const Json& args = task.contains("args") ? task["args"] : Json();
      if (args.is_array() && !args.empty() && args[0].contains("value")) {
        detail = "key " + brief(args[0]["value"], 40);
      }
      if (task.contains("deadline") && task["deadline"].is_number_integer()) {
        const std::int64_t left =
            std::max<std::int64_t>(0, task["deadline"].get<std::int64_t>() - options.now);
        detail += (detail.empty() ? "" : ", ") + std::string("times out in ") +
                  humanDuration(left);
      }
    }
    const int attempts = static_cast<int>(number(task, "attempts"));
    const std::string branch = root ? "" : (last ? "└─ " : "├─ ");
    out += fmt::format("{}{}{} {} {}  {}  {}{}{}{}\n", indent, branch, ref(text(task, "taskId")),
                       text(task, "method"), typeMark(text(task, "type")),
                       text(task, "actor"), paintState(taskState, options.colour),
                       attempts > 1 ? fmt::format(" (attempt {})", attempts) : "",
                       edges.empty() ? "" : "  " + edges.substr(1),
                       detail.empty() ? "" : "  " + detail);
    const auto& kids = children[text(task, "taskId")];
    for (std::size_t i = 0; i < kids.size(); ++i) {
      draw(*kids[i], indent + (root ? "" : (last ? "   " : "│  ")), i + 1 == kids.size(), false);
    }
  };
  for (std::size_t i = 0; i < roots.size(); ++i) draw(*roots[i], "", i + 1 == roots.size(), true);
  out += "\n◆ decider  ● worker  ✉ event  ◷ timer   ← waits for   ⇢ takes without waiting"
         "   ? accepts its failure   = result is\n";
  return out;
}

}  // namespace pledge::cli
