#include "store/stored_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "pledge/error.h"

namespace pledge::server::rows {

std::string qualified(std::string_view columns, std::string_view alias) {
  std::string out;
  std::size_t start = 0;
  while (start <= columns.size()) {
    std::size_t comma = columns.find(',', start);
    std::string_view column =
        columns.substr(start, comma == std::string_view::npos ? columns.npos : comma - start);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += fmt::format("{}.{}", alias, column);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string endedCondition(std::string_view alias) {
  return fmt::format("{0}state IN ({1}, {2})", alias, storedState(ProcessState::Completed),
                     storedState(ProcessState::Aborted));
}

std::string deleteOwnedRows(const OwnedRows& rows, std::string_view match) {
  return fmt::format("DELETE FROM {} WHERE {}", rows.table,
                     fmt::format(fmt::runtime(rows.condition), fmt::arg("match", match)));
}

std::vector<EndedProcess> pairEnded(std::vector<ProcessRow> processes, std::vector<TaskRow> tasks) {
  std::unordered_map<Uuid, std::size_t> index;
  std::vector<EndedProcess> ended;
  ended.reserve(processes.size());
  for (ProcessRow& process : processes) {
    index[process.info.processId] = ended.size();
    ended.push_back(EndedProcess{std::move(process), {}});
  }
  for (TaskRow& task : tasks) {
    auto found = index.find(task.processId);
    if (found == index.end()) continue;
    task.partition = ended[found->second].process.partition;
    ended[found->second].tasks.push_back(std::move(task));
  }
  return ended;
}

std::string storedTags(const Tags& tags) {
  return tags.empty() ? std::string() : tagsJson(tags).dump();
}

std::string liveCondition(std::string_view alias, std::int64_t horizon,
                          std::string_view partitionFilter) {
  return fmt::format("{0}state IN ({1}, {2}) AND ({0}wake_at IS NULL OR {0}wake_at <= {3}){4}",
                     alias, storedState(ProcessState::Running), storedState(ProcessState::Broken),
                     horizon, partitionFilter);
}

std::vector<TagFilter> distinctTags(const ProcessQuery& query) {
  std::vector<TagFilter> tags;
  for (const TagFilter& filter : query.tags) {
    if (std::find(tags.begin(), tags.end(), filter) == tags.end()) tags.push_back(filter);
  }
  return tags;
}

std::optional<std::pair<std::int64_t, Uuid>> pageStart(const ProcessQuery& query) {
  PLEDGE_REQUIRE(query.limit >= 1 && query.limit <= 1000, "limit: must be 1 to 1000, got {}",
                 query.limit);
  if (!query.cursor) return std::nullopt;
  return decodeProcessCursor(*query.cursor);
}

bool addToPage(ProcessPage& page, int limit, ProcessInfo process) {
  if (static_cast<int>(page.items.size()) == limit) {
    const ProcessInfo& last = page.items.back();
    page.next = encodeProcessCursor(last.startedAt, last.processId);
    return false;
  }
  page.items.push_back(std::move(process));
  return true;
}

void addCount(ProcessCounts& counts, std::int64_t state, std::int64_t count) {
  switch (static_cast<ProcessState>(state)) {
    case ProcessState::Running:
      counts.running = count;
      break;
    case ProcessState::Completed:
      counts.completed = count;
      break;
    case ProcessState::Broken:
      counts.broken = count;
      break;
    case ProcessState::Aborted:
      counts.aborted = count;
      break;
  }
}

}  // namespace pledge::server::rows
