#include "test_database.h"

#include <unistd.h>

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

namespace pledge::testing {
namespace {

std::string clusterUrl() {
  const char* given = std::getenv("PLEDGE_TEST_PG_URL_FILE");
  const std::string file = given != nullptr ? given : PLEDGE_TEST_PG_URL_FILE;
  std::ifstream in(file);
  std::string url;
  if (!(in >> url)) {
    throw std::runtime_error(
        fmt::format("{} holds no PostgreSQL URL: run this test through ctest, whose fixture "
                    "\"postgres\" starts a "
                    "private PostgreSQL (tests/support/pg_cluster start {})",
                    file, file.substr(0, file.rfind('/'))));
  }
  return url;
}

// postgresql://user@host:port/db -> the same with another database.
std::string withDatabase(const std::string& url, const std::string& database) {
  return url.substr(0, url.rfind('/') + 1) + database;
}

}  // namespace

bool TestDatabase::wanted() {
  const char* store = std::getenv("PLEDGE_TEST_STORE");
  return store != nullptr && std::string(store) == "postgresql";
}

TestDatabase::TestDatabase() : adminUrl_(clusterUrl()) {
  static std::atomic<int> counter{0};
  name_ = fmt::format("pledge_test_{}_{}_{}", getpid(), counter++,
                      std::chrono::steady_clock::now().time_since_epoch().count() % 1'000'000);
  url_ = withDatabase(adminUrl_, name_);
  pqxx::connection connection(adminUrl_);
  pqxx::nontransaction tx(connection);
  tx.exec("CREATE DATABASE " + name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection connection(adminUrl_);
    pqxx::nontransaction tx(connection);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster is going away with the fixture anyway.
  }
}

std::vector<std::string> TestDatabase::query(const std::string& sql) const {
  pqxx::connection connection(url_);
  pqxx::nontransaction tx(connection);
  std::vector<std::string> rows;
  for (const auto& row : tx.exec(sql)) {
    std::string line;
    for (const auto& field : row) {
      if (!line.empty() || field.num() > 0) line += '\t';
      line += field.is_null() ? "NULL" : field.c_str();
    }
    rows.push_back(std::move(line));
  }
  return rows;
}

struct TestDatabase::TableLock::State {
  pqxx::connection connection;
  pqxx::work tx;
  explicit State(const std::string& url) : connection(url), tx(connection) {}
};

TestDatabase::TableLock::TableLock(const std::string& url, const std::string& table,
                                   const std::string& mode)
    : state_(std::make_unique<State>(url)) {
  state_->tx.exec(fmt::format("LOCK TABLE {} IN {} MODE", table, mode));
}

TestDatabase::TableLock::~TableLock() {
  try {
    state_->tx.abort();
  } catch (const std::exception&) {
    // The connection closes with the state anyway, which ends the transaction.
  }
}

}  // namespace pledge::testing
