#include "store/pg_pipeline.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "pledge/error.h"

namespace pledge::server::pg {
namespace {

[[noreturn]] void fail(ErrorCode code, const std::string& why) {
  throw Error(code, fmt::format("PostgreSQL: commit: {}", why));
}

std::string messageOf(PGconn* connection) {
  std::string message = connection == nullptr ? "" : PQerrorMessage(connection);
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

constexpr std::chrono::milliseconds kSyncEvery{500};

}  // namespace

// Sends each statement of one commit as it is added; records() reads every result up to its
// rows (a flush request: the transaction stays open).
class PipelineConnection::Sink final : public CommitSink {
 public:
  Sink(PipelineConnection& connection, std::uint64_t commit)
      : connection_(connection), commit_(commit) {}

  void add(Statement statement) override { connection_.sendCommand(commit_, statement, false); }

  std::vector<std::pair<Uuid, std::string>> records(const std::vector<Uuid>& processes) override {
    PipelineConnection& c = connection_;
    c.sendCommand(commit_, readRecords(processes), true);
    if (PQsendFlushRequest(c.connection_) != 1 || PQflush(c.connection_) != 0) c.broken("");
    c.readUntil([&] { return c.commands_.empty(); }, false);
    std::vector<std::pair<Uuid, std::string>> rows = std::move(c.rows_);
    c.rows_.clear();
    return rows;
  }

 private:
  PipelineConnection& connection_;
  std::uint64_t commit_;
};

PipelineConnection::PipelineConnection(std::string url)
    : url_(std::move(url)), interrupt_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (interrupt_ < 0) fail(ErrorCode::Internal, "eventfd failed");
}

PipelineConnection::~PipelineConnection() {
  disconnect();
  ::close(interrupt_);
}

void PipelineConnection::connect() {
  connection_ = PQconnectdb(url_.c_str());
  if (PQstatus(connection_) != CONNECTION_OK) broken("");
  // Plans per execution: a generic plan of a statement made while a table was small can scan
  // the whole table once it is large (docs/journal-store.md).
  PGresult* set = PQexec(connection_, "SET plan_cache_mode = force_custom_plan");
  const bool ok = PQresultStatus(set) == PGRES_COMMAND_OK;
  PQclear(set);
  if (!ok || PQenterPipelineMode(connection_) != 1) broken("");
  lastSync_ = std::chrono::steady_clock::now();
}

void PipelineConnection::disconnect() {
  if (connection_ != nullptr) PQfinish(connection_);
  connection_ = nullptr;
  prepared_.clear();
  commands_.clear();
  commits_.clear();
  resultRead_ = false;
  rows_.clear();
  error_.reset();
  sqlstate_.clear();
  sinceSync_ = 0;
}

void PipelineConnection::sendCommand(std::uint64_t commit, const Statement& statement,
                                     bool binaryResults) {
  if (!prepared_.contains(statement.name)) {
    if (PQsendPrepare(connection_, statement.name, statement.sql.c_str(),
                      static_cast<int>(statement.params.size()), nullptr) != 1) {
      broken("");
    }
    prepared_.insert(statement.name);  // forgotten with the connection if this fails
    commands_.push_back({.commit = commit});
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
    broken("");
  }
  commands_.push_back({.commit = commit, .wantRows = binaryResults});
}

void PipelineConnection::sendText(std::uint64_t commit, const char* sql, bool ends) {
  if (PQsendQueryParams(connection_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
    broken("");
  }
  commands_.push_back({.commit = commit, .ends = ends});
}

void PipelineConnection::send(const std::function<void(CommitSink&)>& build, bool sync) {
  if (connection_ == nullptr || PQstatus(connection_) != CONNECTION_OK) {
    const bool lost = !commits_.empty();
    disconnect();
    if (lost) broken("the connection broke with commits in flight");
    connect();
  }
  const std::uint64_t commit = nextCommit_++;
  try {
    if (sync && sinceSync_ > 0) {
      // Nothing is in flight: a Sync lets PostgreSQL report its statistics (autovacuum
      // needs them), which it does only between Syncs.
      if (PQpipelineSync(connection_) != 1) broken("");
      commands_.push_back({.commit = commit, .sync = true});
      sinceSync_ = 0;
      lastSync_ = std::chrono::steady_clock::now();
    }
    sendText(commit, "BEGIN", false);
    Sink sink(*this, commit);
    build(sink);
    sendText(commit, "COMMIT", true);
    if (PQsendFlushRequest(connection_) != 1 || PQflush(connection_) != 0) broken("");
  } catch (...) {
    disconnect();
    throw;
  }
  ++sinceSync_;
  commits_.push_back(commit);
}

bool PipelineConnection::await(bool interruptible) {
  if (commits_.empty()) return false;
  const std::uint64_t oldest = commits_.front();
  if (!readUntil([&] { return readThrough_ >= oldest; }, interruptible)) return false;
  commits_.pop_front();
  return true;
}

bool PipelineConnection::syncDue() const {
  return sinceSync_ > 0 && std::chrono::steady_clock::now() - lastSync_ > kSyncEvery;
}

void PipelineConnection::interrupt() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(interrupt_, &one, sizeof one);
}

void PipelineConnection::commit(const std::function<void(CommitSink&)>& build) {
  while (!commits_.empty()) await(false);
  send(build, true);
  await(false);
}

bool PipelineConnection::readUntil(const std::function<bool()>& done, bool interruptible) {
  try {
    while (!readAvailable(done)) {
      pollfd fds[2] = {{PQsocket(connection_), POLLIN, 0}, {interrupt_, POLLIN, 0}};
      if (::poll(fds, interruptible ? 2 : 1, -1) < 0 && errno != EINTR) broken("poll failed");
      if (interruptible && (fds[1].revents & POLLIN) != 0) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto read = ::read(interrupt_, &count, sizeof count);
        return false;
      }
    }
  } catch (...) {
    // Whatever was sent is rolled back with the connection; the next commit connects again.
    disconnect();
    throw;
  }
  return true;
}

bool PipelineConnection::readAvailable(const std::function<bool()>& done) {
  if (PQconsumeInput(connection_) != 1) broken("");
  while (!done()) {
    if (commands_.empty()) broken("a result came that no command asked for");
    if (PQisBusy(connection_) != 0) return false;
    PGresult* result = PQgetResult(connection_);
    const Command command = commands_.front();
    if (resultRead_ || command.sync) {
      // After each command's result comes a null one; a Sync has only its result.
      const bool ok = command.sync ? PQresultStatus(result) == PGRES_PIPELINE_SYNC
                                   : result == nullptr;
      PQclear(result);
      if (!ok) broken("the results are out of step");
      commands_.pop_front();
      resultRead_ = false;
      continue;
    }
    if (result == nullptr) broken("a result is missing");
    handle(command, result);
    PQclear(result);
    resultRead_ = true;
    if (error_) {
      if (sqlstate_ == kLeaseLost) throw Error(ErrorCode::Conflict, *error_);
      fail(ErrorCode::Unavailable, *error_);
    }
  }
  return true;
}

void PipelineConnection::handle(const Command& command, PGresult* result) {
  switch (PQresultStatus(result)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
      if (command.ends) readThrough_ = command.commit;
      if (!command.wantRows) return;
      // The rows of records(): (process_id, record), both binary.
      for (int row = 0; row < PQntuples(result); ++row) {
        if (PQgetlength(result, row, 0) != 16) {
          fail(ErrorCode::Internal, "a process id not 16 bytes");
        }
        rows_.emplace_back(uuidFromBytes(PQgetvalue(result, row, 0)),
                           std::string(PQgetvalue(result, row, 1),
                                       static_cast<std::size_t>(PQgetlength(result, row, 1))));
      }
      return;
    case PGRES_PIPELINE_ABORTED: error_ = "skipped after an earlier failure"; return;
    default: {
      const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      sqlstate_ = state == nullptr ? "" : state;
      const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
      error_ = primary != nullptr ? std::string(primary) : messageOf(connection_);
    }
  }
}

void PipelineConnection::broken(const std::string& why) {
  fail(ErrorCode::Unavailable,
       "connection lost: " + (why.empty() ? messageOf(connection_) : why));
}

}  // namespace pledge::server::pg
