// pledge start: one process or many (in batches, with a progress bar), of a decider (ACTOR
// METHOD [ARGS_JSON]) or of a workflow (workflow:NAME[#VERSION] --input JSON), optionally
// waiting for their ends.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "commands.h"
#include "pledge/cli/arguments.h"
#include "pledge/cli/process_view.h"
#include "pledge/cli/progress_bar.h"
#include "start_arguments.h"

namespace pledge::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
  const std::vector<TagFilter> tagList = tagArguments(options.tags);
  Tags tags;
  for (const TagFilter& tag : tagList) {
    if (!tags.emplace(tag.key, tag.value).second) {
      throw UsageError(fmt::format("--tag {}: given twice", tag.key));
    }
  }
  const std::string method = methodOf(options, "pledge start");
  const StartArguments arguments = argumentsOf(options);
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
    request.options.tags = tags;
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
