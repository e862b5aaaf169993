#include "store/pg_pipeline.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <deque>
#include <optional>
#include <vector>

#include "pledge/error.h"

namespace pledge::server::pg {
namespace {

[[noreturn]] void fail(ErrorCode code, const std::string& why) {
  throw Error(code, fmt::format("PostgreSQL: commit: {}", why));
}

std::string messageOf(PGconn* connection) {
  std::string message = PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

// A uuid from its 16 bytes in the binary format.
Uuid uuidFromBytes(const char* bytes) {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  for (int i = 0; i < 8; ++i) high = (high << 8) | static_cast<unsigned char>(bytes[i]);
  for (int i = 8; i < 16; ++i) low = (low << 8) | static_cast<unsigned char>(bytes[i]);
  return Uuid(high, low);
}

}  // namespace

// Sends each statement as it is added; reads the results when records() needs rows (a flush
// request: the transaction stays open) and at finish() (the Sync that commits).
class PipelineConnection::Sink final : public CommitSink {
 public:
  Sink(PGconn* connection, std::set<std::string>& prepared)
      : connection_(connection), prepared_(prepared) {}

  void add(Statement statement) override { send(statement, false); }

  std::vector<std::pair<Uuid, std::string>> records(const std::vector<Uuid>& processes) override {
    send(readRecords(processes), true);
    if (PQsendFlushRequest(connection_) != 1 || PQflush(connection_) != 0) broken();
    readPending();
    throwIfFailed();
    std::vector<std::pair<Uuid, std::string>> rows = std::move(rows_);
    rows_.clear();
    return rows;
  }

  // Commits: the Sync ends the implicit transaction.
  void finish() {
    if (PQpipelineSync(connection_) != 1) broken();
    readPending();
    PGresult* sync = PQgetResult(connection_);
    const ExecStatusType status = sync == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(sync);
    PQclear(sync);
    throwIfFailed();
    if (status != PGRES_PIPELINE_SYNC) broken();
  }

 private:
  // One command sent and not yet read: a statement, or the preparation of one (prepares set).
  struct Pending {
    std::string prepares;
    bool wantRows = false;
  };

  void send(const Statement& statement, bool binaryResults) {
    if (!prepared_.contains(statement.name) && !preparing_.contains(statement.name)) {
      if (PQsendPrepare(connection_, statement.name, statement.sql.c_str(),
                        static_cast<int>(statement.params.size()), nullptr) != 1) {
        broken();
      }
      preparing_.insert(statement.name);
      pending_.push_back({statement.name, false});
    }
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats(statement.params.size(), 1);
    for (const std::string& param : statement.params) {
      values.push_back(param.data());
      lengths.push_back(static_cast<int>(param.size()));
    }
    if (PQsendQueryPrepared(connection_, statement.name, static_cast<int>(values.size()),
                            values.data(), lengths.data(), formats.data(),
                            binaryResults ? 1 : 0) != 1) {
      broken();
    }
    pending_.push_back({"", binaryResults});
  }

  // Reads the result of every command sent: each is one result, then a null one.
  void readPending() {
    while (!pending_.empty()) {
      const Pending pending = std::move(pending_.front());
      pending_.pop_front();
      PGresult* result = PQgetResult(connection_);
      if (result == nullptr) broken();
      switch (PQresultStatus(result)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
          if (!pending.prepares.empty()) prepared_.insert(pending.prepares);
          if (pending.wantRows) take(result);
          break;
        case PGRES_PIPELINE_ABORTED: break;  // after the error below
        default:
          if (!error_) {
            const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
            sqlstate_ = state == nullptr ? "" : state;
            const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
            error_ = primary != nullptr ? std::string(primary) : messageOf(connection_);
          }
      }
      PQclear(result);
      PGresult* end = PQgetResult(connection_);
      if (end != nullptr) {
        PQclear(end);
        broken();
      }
    }
  }

  // The rows of records(): (process_id, record), both binary.
  void take(PGresult* result) {
    for (int row = 0; row < PQntuples(result); ++row) {
      if (PQgetlength(result, row, 0) != 16) fail(ErrorCode::Internal, "a process id not 16 bytes");
      rows_.emplace_back(uuidFromBytes(PQgetvalue(result, row, 0)),
                         std::string(PQgetvalue(result, row, 1),
                                     static_cast<std::size_t>(PQgetlength(result, row, 1))));
    }
  }

  void throwIfFailed() {
    if (!error_) return;
    if (sqlstate_ == kLeaseLost) throw Error(ErrorCode::Conflict, *error_);
    fail(ErrorCode::Unavailable, *error_);
  }

  [[noreturn]] void broken() {
    fail(ErrorCode::Unavailable, "connection lost: " + messageOf(connection_));
  }

  PGconn* connection_;
  std::set<std::string>& prepared_;
  std::set<std::string> preparing_;
  std::deque<Pending> pending_;
  std::vector<std::pair<Uuid, std::string>> rows_;
  std::optional<std::string> error_;
  std::string sqlstate_;
};

PipelineConnection::~PipelineConnection() { disconnect(); }

void PipelineConnection::connect() {
  connection_ = PQconnectdb(url_.c_str());
  if (PQstatus(connection_) != CONNECTION_OK) {
    const std::string why = messageOf(connection_);
    disconnect();
    fail(ErrorCode::Unavailable, "connection lost: " + why);
  }
  // Plans per execution: a generic plan of a statement made while a table was small can scan
  // the whole table once it is large (docs/journal-store.md).
  PGresult* set = PQexec(connection_, "SET plan_cache_mode = force_custom_plan");
  const bool ok = PQresultStatus(set) == PGRES_COMMAND_OK;
  PQclear(set);
  if (!ok || PQenterPipelineMode(connection_) != 1) {
    const std::string why = messageOf(connection_);
    disconnect();
    fail(ErrorCode::Unavailable, why);
  }
}

void PipelineConnection::disconnect() {
  if (connection_ != nullptr) PQfinish(connection_);
  connection_ = nullptr;
  prepared_.clear();
}

void PipelineConnection::commit(const std::function<void(CommitSink&)>& build) {
  if (connection_ == nullptr || PQstatus(connection_) != CONNECTION_OK) {
    disconnect();
    connect();
  }
  try {
    Sink sink(connection_, prepared_);
    build(sink);
    sink.finish();
  } catch (...) {
    // Whatever was sent is rolled back with the connection; the next commit connects again.
    disconnect();
    throw;
  }
}

}  // namespace pledge::server::pg
