// PgStore's workflow definitions (docs/workflows.md): registered on the lease connection (a
// rare, small write beside the commits), read on the reader.
#include <pqxx/pqxx>

#include "pledge/server/store/pg_store.h"
#include "store/pg_session.h"

namespace pledge::server {
namespace {

constexpr const char* kColumns = "name, version, definition, created_at";

WorkflowRow readWorkflow(const pqxx::row& row) {
  return WorkflowRow{.name = row[0].as<std::string>(),
                     .version = row[1].as<int>(),
                     .definition = row[2].as<std::string>(),
                     .createdAt = row[3].as<std::int64_t>()};
}

}  // namespace

bool PgStore::putWorkflow(const WorkflowRow& row) {
  return leases_->run("register workflow", true, [&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec_params(
        "INSERT INTO workflows (name, version, definition, created_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (name, version) DO NOTHING",
        row.name, row.version, row.definition, row.createdAt);
    pqxx::result held = tx.exec_params(
        "SELECT definition FROM workflows WHERE name = $1 AND version = $2", row.name,
        row.version);
    tx.commit();
    return !held.empty() && held[0][0].as<std::string>() == row.definition;
  });
}

std::optional<WorkflowRow> PgStore::findWorkflow(const std::string& name,
                                                 std::optional<int> version) {
  return reader_->run("read workflow", true,
                      [&](pqxx::connection& connection) -> std::optional<WorkflowRow> {
                        pqxx::nontransaction tx(connection);
                        pqxx::result rows = tx.exec_params(
                            std::string("SELECT ") + kColumns +
                                " FROM workflows WHERE name = $1 AND ($2 < 0 OR version = $2) "
                                "ORDER BY version DESC LIMIT 1",
                            name, version.value_or(-1));
                        if (rows.empty()) return std::nullopt;
                        return readWorkflow(rows[0]);
                      });
}

std::vector<WorkflowRow> PgStore::listWorkflows() {
  return reader_->run("list workflows", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::vector<WorkflowRow> rows;
    for (const auto& row :
         tx.exec(std::string("SELECT ") + kColumns + " FROM workflows ORDER BY name, version")) {
      rows.push_back(readWorkflow(row));
    }
    return rows;
  });
}

}  // namespace pledge::server
