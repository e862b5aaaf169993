// pledge retention: how the server deletes ended processes (docs/operations.md "Retention")
// and what it deleted; pledge retention run: a pass now.
#include <fmt/format.h>

#include <chrono>

#include "commands.h"
#include "pledge/cli/process_view.h"

namespace pledge::cli {
namespace {

std::int64_t number(const Json& value, const char* key) {
  auto it = value.find(key);
  return it == value.end() || !it->is_number() ? 0 : it->get<std::int64_t>();
}

// "1.2 MB", "340 B".
std::string humanBytes(std::int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024.0 * 1024));
}

// "30 days" for whole days (retention is sized in days), else as humanDuration writes it.
std::string ageText(std::int64_t ms) {
  constexpr std::int64_t kDay = 86'400'000;
  if (ms >= kDay && ms % kDay == 0) {
    return fmt::format("{} day{}", ms / kDay, ms == kDay ? "" : "s");
  }
  return humanDuration(ms);
}

}  // namespace

int Commands::retention() {
  const Json answer = client_.retention();
  if (json_) {
    out_ << answer.dump(2) << "\n";
    return kExitOk;
  }
  if (answer.value("maxAgeMs", Json()).is_null()) {
    out_ << "retention: off: ended processes are kept forever (pledge-server --retention 30d "
            "deletes them 30 days after they end)\n";
    return kExitOk;
  }
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  out_ << fmt::format("retention: ended processes are deleted {} after they end (a pass every "
                      "{}, {} per transaction)\n",
                      ageText(number(answer, "maxAgeMs")),
                      humanDuration(number(answer, "intervalMs")), number(answer, "batch"));
  const Json archiveDir = answer.value("archiveDir", Json());
  out_ << "archive: "
       << (archiveDir.is_string() ? archiveDir.get<std::string>() + "/processes-DATE.jsonl"
                                  : std::string("none (deleted without a copy)"))
       << "\n";
  out_ << fmt::format("deleted: {} processes, {} tasks; archived {}\n",
                      number(answer, "deletedProcesses"), number(answer, "deletedTasks"),
                      humanBytes(number(answer, "archivedBytes")));
  const Json lastRunAt = answer.value("lastRunAt", Json());
  const Json lastError = answer.value("lastError", Json());
  out_ << "last pass: "
       << (lastRunAt.is_number() ? relativeTime(lastRunAt.get<std::int64_t>(), now)
                                 : std::string("none yet"))
       << (lastError.is_string() ? ", failed: " + lastError.get<std::string>() : std::string())
       << "\n";
  const Json oldest = answer.value("oldestEndedAt", Json());
  out_ << "oldest ended process: "
       << (oldest.is_number() ? "ended " + relativeTime(oldest.get<std::int64_t>(), now)
                              : std::string("none"))
       << "\n";
  return kExitOk;
}

int Commands::runRetention() {
  const Json pass = client_.runRetention();
  if (json_) {
    out_ << pass.dump(2) << "\n";
    return kExitOk;
  }
  out_ << fmt::format("deleted {} processes ({} tasks) in {} batches; archived {}\n",
                      number(pass, "deletedProcesses"), number(pass, "deletedTasks"),
                      number(pass, "batches"), humanBytes(number(pass, "archivedBytes")));
  return kExitOk;
}

}  // namespace pledge::cli
