// PgStore's commit connection: libpq in pipeline mode, so that a commit is one round trip. Every
// statement goes out at once and PostgreSQL runs them as one implicit transaction, which the
// Sync at the end commits (or, after an error, rolls back whole). The lease check fences it
// by failing the transaction (pledge_hold_leases). With a statement a round trip, each of the
// five or six statements of a commit waited for PostgreSQL and woke it: on loopback 1.5% of
// the throughput each, more when PostgreSQL is across a network. Private to store/.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "store/pg_commit.h"

struct pg_conn;

namespace pledge::server::pg {

class PipelineConnection {
 public:
  // Connects at the first commit (and again after the connection broke).
  explicit PipelineConnection(std::string url) : url_(std::move(url)) {}
  ~PipelineConnection();
  PipelineConnection(const PipelineConnection&) = delete;
  PipelineConnection& operator=(const PipelineConnection&) = delete;

  // Sends what build adds to its sink as one transaction and commits it. Throws
  // pledge::Error(Conflict) when the lease check failed, pledge::Error(Unavailable) for any
  // other failure (nothing was written then; a broken connection is opened again next time).
  void commit(const std::function<void(CommitSink&)>& build);

 private:
  class Sink;

  void connect();
  void disconnect();

  std::string url_;
  pg_conn* connection_ = nullptr;
  // Statements prepared on this connection.
  std::set<std::string> prepared_;
};

}  // namespace pledge::server::pg
