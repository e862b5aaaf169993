// What a PostgreSQL commit sends, and the two ways it is sent: as statements in a libpqxx
// transaction, one round trip each, or all at once on a connection in libpq's pipeline mode
// (pg_pipeline.h), one round trip for the whole commit. Private to store/.
#pragma once

#include <pqxx/pqxx>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pledge/uuid.h"

namespace pledge::server::pg {

// One statement of a commit: a prepared statement's name and text, and its parameters, each in
// PostgreSQL's binary format (a BinaryArray's take(), or a text's bytes).
struct Statement {
  const char* name;
  std::string sql;
  std::vector<std::string> params;
};

// The SQLSTATE of the lease check's error.
inline constexpr char kLeaseLost[] = "PLD01";

// The lease check that fences a commit: fails the transaction with kLeaseLost, saying which
// partitions are missing, unless owner holds the lease of every one of partitions (and keeps
// it: FOR KEY SHARE, so that a takeover waits for this transaction).
Statement holdLeases(const std::set<int>& partitions, const std::string& owner);

// Where a commit's statements go, in order, all in one transaction.
class CommitSink {
 public:
  virtual ~CommitSink() = default;
  // Runs statement in the transaction; its result is not read.
  virtual void add(Statement statement) = 0;
  // The records of the journal of processes, as (process, record), each process's in seq order;
  // read in the transaction, after every statement added before.
  virtual std::vector<std::pair<Uuid, std::string>> records(const std::vector<Uuid>& processes) = 0;
};

// Runs the statements in a libpqxx transaction, each as a prepared statement.
class TransactionSink final : public CommitSink {
 public:
  explicit TransactionSink(pqxx::work& tx) : tx_(tx) {}
  void add(Statement statement) override;
  std::vector<std::pair<Uuid, std::string>> records(const std::vector<Uuid>& processes) override;

 private:
  pqxx::work& tx_;
};

// The statement that reads the records of processes (CommitSink::records), results in binary.
Statement readRecords(const std::vector<Uuid>& processes);

}  // namespace pledge::server::pg
