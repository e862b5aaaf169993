// pledge start: one process or many (in batches, with a progress bar), of a decider (ACTOR
// METHOD [ARGS_JSON]) or of a workflow (workflow:NAME[#VERSION] --input JSON), optionally
// waiting for their ends.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "commands.h"
#include "pledge/cli/arguments.h"
#include "pledge/cli/process_view.h"
#include "pledge/cli/progress_bar.h"

namespace pledge::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kWorkflowPrefix = "workflow:";

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool isWorkflow(const std::string& actor) { return actor.starts_with(kWorkflowPrefix); }

// The method typed, or "execute" for a workflow; UsageError for a decider without one.
std::string methodOf(const StartOptions& options) {
  if (options.method.empty()) {
    if (isWorkflow(options.actor)) return "execute";
    throw UsageError(fmt::format(
        "METHOD is required: the execute method of {}, e.g. pledge start {} start '[\"user-1\"]' "
        "(only workflow:NAME actors have a default, execute)",
        options.actor, options.actor));
  }
  const char first = options.method.front();
  if (isWorkflow(options.actor) && (first == '{' || first == '[' || first == '"')) {
    throw UsageError(fmt::format(
        "\"{}\" is no method name: give the workflow's input with --input, e.g. pledge start {} "
        "--input '{}'",
        options.method, options.actor, first == '{' ? options.method : "{\"a\":1}"));
  }
  return options.method;
}

// The arguments of each process: ARGS_JSON or --input with {i} replaced, or --input-file's.
class Arguments {
 public:
  static Arguments pattern(std::string text, bool fromInput) {
    Arguments made;
    made.pattern_ = std::move(text);
    made.fromInput_ = fromInput;
    return made;
  }
  static Arguments fixed(Json args) {
    Arguments made;
    made.fixed_ = std::move(args);
    return made;
  }

  // Those of process index; UsageError when they are not what the method takes.
  Json at(int index) const {
    if (fixed_) return *fixed_;
    const char* what = fromInput_ ? "--input" : "ARGS_JSON";
    Json args;
    try {
      args = parseJson(substituteIndex(pattern_, index));
    } catch (const Error& error) {
      throw UsageError(fmt::format("{} is not JSON: {}", what, error.what()));
    }
    if (fromInput_ && !(args.size() == 1 && args[0].is_object())) {
      throw UsageError("--input must be one JSON object, the workflow's input, e.g. '{\"a\":1}'");
    }
    if (!args.is_array()) {
      throw UsageError("ARGS_JSON must be a JSON array of the method's arguments");
    }
    return args;
  }

 private:
  std::string pattern_;
  bool fromInput_ = false;
  std::optional<Json> fixed_;
};

Json inputFileOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf()))
    throw UsageError(fmt::format("--input-file: cannot read {}", path));
  Json input;
  try {
    input = parseJson(text.str());
  } catch (const Error& error) {
    throw UsageError(fmt::format("--input-file {} is not JSON: {}", path, error.what()));
  }
  if (!input.is_object()) {
    throw UsageError(fmt::format("--input-file {} holds {}: a workflow's input is one JSON object",
                                 path, describeJson(input)));
  }
  return input;
}

Arguments argumentsOf(const StartOptions& options) {
  const bool input = options.input || !options.inputFile.empty();
  if (!input) {
    return Arguments::pattern(options.args.value_or(isWorkflow(options.actor) ? "[{}]" : "[]"),
                              false);
  }
  if (!isWorkflow(options.actor)) {
    throw UsageError(fmt::format(
        "--input and --input-file give a workflow's input (actor workflow:NAME); {} takes "
        "ARGS_JSON, a JSON array of its method's arguments",
        options.actor));
  }
  if (options.args)
    throw UsageError("give the workflow's input with --input or ARGS_JSON, not both");
  if (options.input && !options.inputFile.empty()) {
    throw UsageError("give the workflow's input with --input or --input-file, not both");
  }
  if (options.input) return Arguments::pattern("[" + *options.input + "]", true);
  return Arguments::fixed(Json::array({inputFileOf(options.inputFile)}));
}

}  // namespace

int Commands::start(const StartOptions& options) {
  if (options.count < 1) throw UsageError("--count must be at least 1");
  std::optional<std::int64_t> startTime;
  if (!options.startTime.empty()) {
    startTime = parseStartTime(options.startTime, nowMs());
    if (!startTime) {
      throw UsageError("--start-time takes epoch milliseconds, or +SECONDS from now");
    }
  }
  auto durationOf = [](const std::string& text, const char* flag) -> std::optional<std::int64_t> {
    if (text.empty()) return std::nullopt;
    auto ms = parseDurationMs(text);
    if (!ms) throw UsageError(fmt::format("{} takes a duration like 1h, 30s or 500ms", flag));
    return ms;
  };
  const std::optional<std::int64_t> deadlineMs = durationOf(options.deadline, "--deadline");
  const std::optional<std::int64_t> scheduleToStartMs =
      durationOf(options.scheduleToStart, "--schedule-to-start");
  if (!options.customId.empty() && options.count > 1 &&
      options.customId.find("{i}") == std::string::npos) {
    throw UsageError(
        "--custom-id with --count needs {i} in it, or every process would be the same one");
  }
  const std::string method = methodOf(options);
  const Arguments arguments = argumentsOf(options);
  auto requestFor = [&](int i) {
    StartRequest request;
    request.actor = options.actor;
    request.method = method;
    request.args = arguments.at(i);
    if (!options.customId.empty()) {
      request.options.customId = substituteIndex(options.customId, i);
    }
    request.options.startTime = startTime;
    if (!options.taskList.empty()) request.options.taskList = options.taskList;
    request.options.deadlineMs = deadlineMs;
    request.options.scheduleToStartMs = scheduleToStartMs;
    return request;
  };

  if (options.count == 1) {
    StartedProcess started = client_.start(requestFor(0));
    if (!options.wait) {
      if (json_) {
        out_ << Json(started).dump(2) << "\n";
      } else {
        out_ << (started.existing ? "existing process " : "started process ")
             << started.processId.toString() << "\n";
      }
      return kExitOk;
    }
    if (!json_) out_ << "process " << started.processId.toString() << "\n";
    return result(started.processId, options.timeoutSeconds);
  }

  // Many processes: start them in batches, then wait for each, with a progress bar.
  const auto begin = Clock::now();
  ProgressBar bar(options.count, environment_.stderrTerminal, err_);
  std::vector<Uuid> ids;
  ids.reserve(static_cast<std::size_t>(options.count));
  constexpr int kBatch = 100;
  for (int first = 0; first < options.count; first += kBatch) {
    std::vector<StartRequest> requests;
    for (int i = first; i < std::min(options.count, first + kBatch); ++i) {
      requests.push_back(requestFor(i));
    }
    for (const Result<StartedProcess>& started : client_.startMany(requests)) {
      if (!started.ok()) throw started.error();
      ids.push_back(started.value().processId);
    }
    bar.update(static_cast<int>(ids.size()), 0);
  }
  const double startSeconds = std::chrono::duration<double>(Clock::now() - begin).count();
  std::map<std::string, int> states;
  std::vector<ProcessInfo> finals(ids.size());
  if (options.wait) {
    std::atomic<int> next{0};
    std::atomic<int> done{0};
    std::mutex mutex;
    std::optional<Error> failure;
    std::vector<std::thread> waiters;
    for (int t = 0; t < std::min(options.concurrency, options.count); ++t) {
      waiters.emplace_back([&] {
        for (int i = next++; i < options.count; i = next++) {
          try {
            finals[static_cast<std::size_t>(i)] = client_.waitResult(
                ids[static_cast<std::size_t>(i)], std::chrono::seconds(options.timeoutSeconds));
          } catch (const Error& error) {
            std::lock_guard lock(mutex);
            failure = error;
            return;
          }
          ++done;
        }
      });
    }
    while (done < options.count && !failure) {
      bar.update(options.count, done);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::lock_guard lock(mutex);
      if (failure) break;
    }
    for (std::thread& waiter : waiters) waiter.join();
    if (failure) throw *failure;
    bar.update(options.count, done);
    for (const ProcessInfo& info : finals) ++states[std::string(processStateName(info.state))];
  }
  bar.finish();
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  if (json_) {
    Json processes = Json::array();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      processes.push_back(options.wait ? Json(finals[i]) : Json{{"processId", ids[i]}});
    }
    out_ << Json{{"started", options.count},
                 {"seconds", seconds},
                 {"processes", std::move(processes)}}
                .dump(2)
         << "\n";
  } else {
    out_ << fmt::format("started {} process(es) of {}.{} in {:.2f}s ({:.0f}/s)\n", options.count,
                        options.actor, method, startSeconds,
                        options.count / std::max(startSeconds, 1e-6));
    if (options.wait) {
      std::string summary;
      for (const auto& [state, count] : states) {
        summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", count,
                               paintState(state, environment_.stdoutTerminal));
      }
      out_ << fmt::format("ended: {} in {:.2f}s ({:.0f} processes/s)\n", summary, seconds,
                          options.count / std::max(seconds, 1e-6));
    }
  }
  if (!options.wait) return kExitOk;
  return states["completed"] == options.count ? kExitOk : kExitRefused;
}

}  // namespace pledge::cli
