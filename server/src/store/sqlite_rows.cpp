#include "store/sqlite_rows.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pledge/json.h"
#include "pledge/limits.h"

namespace pledge::server::sqlite {

ProcessRow readProcess(const Statement& row) {
  limits::Ignored stored;
  ProcessRow process;
  process.info.processId = *row.uuid(0);
  process.partition = static_cast<int>(row.integer(1));
  process.info.taskId = *row.uuid(2);
  if (!row.isNull(3)) process.info.customId = row.text(3);
  process.info.actor = row.text(4);
  process.info.method = row.text(5);
  process.info.state = static_cast<ProcessState>(row.integer(6));
  process.info.startedAt = row.integer(7);
  if (!row.isNull(8)) process.info.endedAt = row.integer(8);
  if (!row.isNull(9)) process.info.result = parseJson(row.text(9));
  if (!row.isNull(10)) process.info.error = parseJson(row.text(10)).get<TaskError>();
  process.info.failedTaskId = row.uuid(11);
  if (!row.isNull(12)) process.wakeAt = row.integer(12);
  if (!row.isNull(13)) process.requestId = row.text(13);
  return process;
}

TaskRow readTask(const Statement& row) {
  TaskRow task;
  task.id = *row.uuid(0);
  task.processId = *row.uuid(1);
  task.spec = row.text(2);
  task.state = static_cast<TaskState>(row.integer(3));
  task.promise = static_cast<PromiseState>(row.integer(4));
  task.attempt = static_cast<int>(row.integer(5));
  task.attemptBase = static_cast<int>(row.integer(6));
  task.notBefore = row.integer(7);
  task.leaseUntil = row.integer(8);
  task.forwardTo = row.uuid(9);
  task.value = row.text(10);
  task.error = row.text(11);
  task.createdAt = row.integer(12);
  task.readyAt = row.integer(13);
  task.startedAt = row.integer(14);
  task.endedAt = row.integer(15);
  task.parentId = row.uuid(16);
  task.seq = static_cast<int>(row.integer(17));
  return task;
}

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

std::string partitionFilter(std::string_view alias, const PartitionSet& partitions) {
  if (partitions.everything) return "";
  return fmt::format(" AND {}partition IN ({})", alias, fmt::join(partitions.list, ", "));
}

}  // namespace pledge::server::sqlite
