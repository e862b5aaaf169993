// PgStore::Session: one connection to PostgreSQL and its reconnect rule, and how libpqxx's
// errors become pledge::Error. Private to store/.
#pragma once

#include <exception>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <utility>

#include "pledge/error.h"
#include "pledge/server/store/pg_store.h"

namespace pledge::server {
namespace pg {

// Errors after which the connection is no use any more: the server went read-only (a primary
// demoted by a failover: 25006), is shutting down or restarting (57P0x), or the connection broke
// (class 08). A new connection goes to whichever host of the URL takes writes now
// (target_session_attrs=read-write).
bool needsNewConnection(const pqxx::sql_error& error);

// Throws error as pledge::Error(Unavailable), saying what failed.
[[noreturn]] void rethrow(const std::string& what, const std::exception& error);

// Sets plan_cache_mode = force_custom_plan on connection, once (libpqxx remembers it): the
// commit's statements are prepared, and a generic plan of `... FROM unnest($1)` made while a
// table was small scans the whole table once it is large.
void usePerExecutionPlans(pqxx::connection& connection);

}  // namespace pg

// One connection, used under its mutex, opened again when it broke.
class PgStore::Session {
 public:
  explicit Session(std::string url) : url_(std::move(url)) {}

  // Runs work(connection) under the mutex. A broken connection is opened again; work is retried
  // once when retry is set (for reads, never for a commit, whose fate would be unknown).
  template <typename Work>
  auto run(const std::string& what, bool retry, Work&& work) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0;; ++attempt) {
      try {
        if (!connection_ || !connection_->is_open())
          connection_ = std::make_unique<pqxx::connection>(url_);
        return work(*connection_);
      } catch (const Error&) {
        throw;
      } catch (const pqxx::broken_connection& error) {
        connection_.reset();
        if (!retry || attempt > 0) pg::rethrow(what, error);
      } catch (const pqxx::sql_error& error) {
        if (!pg::needsNewConnection(error)) pg::rethrow(what, error);
        connection_.reset();
        if (!retry || attempt > 0) pg::rethrow(what, error);
      } catch (const std::exception& error) {
        pg::rethrow(what, error);
      }
    }
  }

  // Runs one statement with params in a transaction of its own and commits it, under run()'s
  // rules (retry: see run()). Returns the statement's result: its rows, its affected rows.
  template <typename... Params>
  pqxx::result write(const std::string& what, bool retry, const std::string& sql,
                     const Params&... params) {
    return run(what, retry, [&](pqxx::connection& connection) {
      pqxx::work tx(connection);
      pqxx::result result = tx.exec_params(sql, params...);
      tx.commit();
      return result;
    });
  }

 private:
  std::string url_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace pledge::server
