// PgStore's commit connection: libpq in pipeline mode, so that a commit is one round trip and
// the next commit can be on its way while PostgreSQL still runs the one before. Each commit is
// an explicit transaction (BEGIN, its statements, COMMIT) followed by a flush request, and no
// Sync comes between them: after an error PostgreSQL skips everything that follows on the
// connection, so a commit is written only if each one sent before it was. The lease check
// fences a commit by failing its transaction (pg::holdLeases). Any failure closes the
// connection (PostgreSQL rolls back what it held) and fails every commit in flight; the next
// commit connects again. Private to store/.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/pg_commit.h"

struct pg_conn;
struct pg_result;

namespace pledge::server::pg {

class PipelineConnection {
 public:
  // Connects at the first commit (and again after the connection broke).
  explicit PipelineConnection(std::string url);
  ~PipelineConnection();
  PipelineConnection(const PipelineConnection&) = delete;
  PipelineConnection& operator=(const PipelineConnection&) = delete;

  // Sends what build adds to its sink as one transaction after those in flight, and returns
  // without waiting for PostgreSQL. Throws pledge::Error(Conflict) when the lease check of
  // this commit or of one before it failed (records() reads that far), pledge::Error
  // (Unavailable) for any other failure; every commit in flight has failed then.
  // sync: nothing is in flight, and PostgreSQL may end its pipeline (a Sync) before this
  // commit: it reports its statistics only then, and autovacuum needs them.
  void send(const std::function<void(CommitSink&)>& build, bool sync);
  // Waits until the oldest commit in flight is done: true once it committed; false when
  // interrupt() came first (or nothing is in flight). Throws as send() when it failed.
  bool await(bool interruptible);
  // Makes a waiting (or the next) interruptible await() return false. Any thread.
  void interrupt();
  // Whether the next commit should wait for those in flight and end PostgreSQL's pipeline
  // first (commit()): half a second after the last Sync, so that its statistics stay fresh.
  bool syncDue() const;

  // Waits for the commits in flight, then send() and await() of this one.
  void commit(const std::function<void(CommitSink&)>& build);

 private:
  class Sink;
  // A command sent whose result is not read yet.
  struct Command {
    std::uint64_t commit = 0;
    bool wantRows = false;
    bool ends = false;  // the COMMIT
    bool sync = false;  // a Sync
  };

  void connect();
  void disconnect();
  void sendCommand(std::uint64_t commit, const Statement& statement, bool binaryResults);
  void sendText(std::uint64_t commit, const char* sql, bool ends);
  // Reads results until done() (or, when interruptible, until interrupt()); returns whether
  // done() came. Throws, having closed the connection, at the first error.
  bool readUntil(const std::function<bool()>& done, bool interruptible);
  // Takes what has arrived until done(); returns false when a result would block.
  bool readAvailable(const std::function<bool()>& done);
  void handle(const Command& command, pg_result* result);
  // Throws Unavailable: why, or libpq's message when why is empty.
  [[noreturn]] void broken(const std::string& why);

  std::string url_;
  pg_conn* connection_ = nullptr;
  int interrupt_ = -1;  // an eventfd
  // Statements prepared on this connection.
  std::set<std::string> prepared_;
  std::deque<Command> commands_;
  bool resultRead_ = false;  // the front command's result was read; its end is next
  // Commits sent and not awaited, oldest first; the last one read through.
  std::deque<std::uint64_t> commits_;
  std::uint64_t nextCommit_ = 1;
  std::uint64_t readThrough_ = 0;
  int sinceSync_ = 0;  // commits sent since the last Sync
  std::chrono::steady_clock::time_point lastSync_;
  std::vector<std::pair<Uuid, std::string>> rows_;
  std::optional<std::string> error_;
  std::string sqlstate_;
};

}  // namespace pledge::server::pg
