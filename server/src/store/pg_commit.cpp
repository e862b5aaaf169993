#include "store/pg_commit.h"

#include "pledge/error.h"
#include "store/pg_binary_array.h"
#include "store/pg_rows.h"

namespace pledge::server::pg {
Statement holdLeases(const std::set<int>& partitions, const std::string& owner) {
  BinaryArray wanted(BinaryArray::Type::Int4);
  for (int partition : partitions) wanted.add(std::int64_t{partition});
  // The rows of the leases held are locked FOR KEY SHARE: renewals go on, a takeover (FOR
  // UPDATE) waits for this transaction. PL/pgSQL runs only when one is missing (migration 16).
  return {"hold_leases",
          "SELECT CASE WHEN count(*) < cardinality($1::int[]) THEN pledge_lease_lost($1::int[], "
          "$2::text) END FROM (SELECT 1 FROM partition_leases WHERE partition = ANY($1::int[]) "
          "AND owner = $2::text AND expires_at > now() FOR KEY SHARE) l",
          {wanted.take(), owner}};
}

Statement readRecords(const std::vector<Uuid>& processes) {
  BinaryArray ids(BinaryArray::Type::Uuid);
  for (const Uuid& id : processes) ids.add(id);
  return {"read_records",
          "SELECT process_id, record FROM journal WHERE process_id = ANY($1::uuid[]) "
          "ORDER BY process_id, seq",
          {ids.take()}};
}

void TransactionSink::add(Statement statement) {
  tx_.conn().prepare(statement.name, statement.sql);  // a no-op once defined
  std::vector<pqxx::binarystring> params;
  params.reserve(statement.params.size());
  for (const std::string& param : statement.params) params.emplace_back(param.data(), param.size());
  try {
    tx_.exec_prepared(statement.name, pqxx::prepare::make_dynamic_params(params));
  } catch (const pqxx::sql_error& error) {
    if (error.sqlstate() != kLeaseLost) throw;
    // what(): "ERROR:  <the message>\nCONTEXT: ..."
    std::string message = error.what();
    message = message.substr(0, message.find('\n'));
    if (message.starts_with("ERROR:  ")) message.erase(0, 8);
    throw Error(ErrorCode::Conflict, message);
  }
}

std::vector<std::pair<Uuid, std::string>> TransactionSink::records(
    const std::vector<Uuid>& processes) {
  Statement statement = readRecords(processes);
  tx_.conn().prepare(statement.name, statement.sql);
  const pqxx::binarystring ids(statement.params[0].data(), statement.params[0].size());
  std::vector<std::pair<Uuid, std::string>> out;
  for (const auto& row : tx_.exec_prepared(statement.name, ids)) {
    pqxx::binarystring record(row[1]);
    out.emplace_back(*uuidOf(row[0]),
                     std::string(record.get(), record.get() + record.size()));
  }
  return out;
}

}  // namespace pledge::server::pg
