// SqliteStore's workflow definitions (docs/workflows.md): registered on the writer connection
// (under writeMutex_), read on the reader (under readMutex_).
#include "pledge/server/store/sqlite_store.h"
#include "store/sqlite_connection.h"

namespace pledge::server {
namespace {

WorkflowRow readWorkflow(const sqlite::Statement& row) {
  return WorkflowRow{.name = row.text(0),
                     .version = static_cast<int>(row.integer(1)),
                     .definition = row.text(2),
                     .createdAt = row.integer(3)};
}

}  // namespace

using sqlite::Statement;

bool SqliteStore::putWorkflow(const WorkflowRow& row) {
  std::lock_guard lock(writeMutex_);
  Statement insert(writer_,
                   "INSERT INTO workflows (name, version, definition, created_at) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name, version) DO NOTHING");
  insert.bind(1, row.name).bind(2, std::int64_t{row.version}).bind(3, row.definition)
      .bind(4, row.createdAt).run();
  Statement held(writer_, "SELECT definition FROM workflows WHERE name = ?1 AND version = ?2");
  held.bind(1, row.name).bind(2, std::int64_t{row.version});
  return held.step() && held.text(0) == row.definition;
}

std::optional<WorkflowRow> SqliteStore::findWorkflow(const std::string& name,
                                                     std::optional<int> version) {
  std::lock_guard lock(readMutex_);
  Statement query(reader_,
                  "SELECT name, version, definition, created_at FROM workflows "
                  "WHERE name = ?1 AND (?2 < 0 OR version = ?2) ORDER BY version DESC LIMIT 1");
  query.bind(1, name).bind(2, std::int64_t{version.value_or(-1)});
  if (!query.step()) return std::nullopt;
  return readWorkflow(query);
}

std::vector<WorkflowRow> SqliteStore::listWorkflows() {
  std::lock_guard lock(readMutex_);
  Statement query(reader_,
                  "SELECT name, version, definition, created_at FROM workflows "
                  "ORDER BY name, version");
  std::vector<WorkflowRow> rows;
  while (query.step()) rows.push_back(readWorkflow(query));
  return rows;
}

}  // namespace pledge::server
