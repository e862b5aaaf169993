#include "store/pg_rows.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pledge/json.h"
#include "pledge/limits.h"

namespace pledge::server::pg {

std::optional<Uuid> uuidOf(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return Uuid::parse(field.c_str());
}

std::string textOf(const pqxx::field& field) {
  return field.is_null() ? std::string() : field.c_str();
}

ProcessRow readProcess(const pqxx::row& row) {
  limits::Ignored stored;
  ProcessRow process;
  process.info.processId = *uuidOf(row[0]);
  process.partition = row[1].as<int>();
  process.info.taskId = *uuidOf(row[2]);
  if (!row[3].is_null()) process.info.customId = row[3].c_str();
  process.info.actor = row[4].c_str();
  process.info.method = row[5].c_str();
  process.info.state = static_cast<ProcessState>(row[6].as<int>());
  process.info.startedAt = row[7].as<std::int64_t>();
  if (!row[8].is_null()) process.info.endedAt = row[8].as<std::int64_t>();
  if (!row[9].is_null()) process.info.result = parseJson(row[9].c_str());
  if (!row[10].is_null()) process.info.error = parseJson(row[10].c_str()).get<TaskError>();
  process.info.failedTaskId = uuidOf(row[11]);
  if (!row[12].is_null()) process.wakeAt = row[12].as<std::int64_t>();
  if (!row[13].is_null()) process.requestId = row[13].c_str();
  return process;
}

TaskRow readTask(const pqxx::row& row) {
  TaskRow task;
  task.id = *uuidOf(row[0]);
  task.processId = *uuidOf(row[1]);
  task.spec = row[2].c_str();
  task.state = static_cast<TaskState>(row[3].as<int>());
  task.promise = static_cast<PromiseState>(row[4].as<int>());
  task.attempt = row[5].as<int>();
  task.attemptBase = row[6].as<int>();
  task.notBefore = row[7].as<std::int64_t>();
  task.leaseUntil = row[8].as<std::int64_t>();
  task.forwardTo = uuidOf(row[9]);
  task.value = textOf(row[10]);
  task.error = textOf(row[11]);
  task.createdAt = row[12].as<std::int64_t>();
  task.readyAt = row[13].as<std::int64_t>();
  task.startedAt = row[14].as<std::int64_t>();
  task.endedAt = row[15].as<std::int64_t>();
  task.parentId = uuidOf(row[16]);
  task.seq = row[17].as<int>();
  return task;
}

std::string intArray(const std::vector<int>& values) {
  return fmt::format("{{{}}}", fmt::join(values, ","));
}

std::string partitionFilter(std::string_view alias, const PartitionSet& partitions) {
  if (partitions.everything) return "";
  return fmt::format(" AND {}partition = ANY('{}'::int[])", alias, intArray(partitions.list));
}

}  // namespace pledge::server::pg
