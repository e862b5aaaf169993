// TestDatabase: a fresh PostgreSQL database on the tests' private cluster (tests/support/
// pg_cluster, started by the ctest fixture "postgres"), dropped when destroyed.
//
//   auto database = std::make_shared<TestDatabase>();
//   ServerProcess node({.database = database, .nodeName = "a"});
//
// The cluster's URL is read from <build>/test-postgres/url (or the file PLEDGE_TEST_PG_URL_FILE
// names). Integration tests run on PostgreSQL when PLEDGE_TEST_STORE=postgresql (ServerProcess
// then makes a database for each server).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace pledge::testing {

class TestDatabase {
 public:
  // Throws std::runtime_error saying what to do when no test cluster runs.
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // postgresql://... of this database.
  const std::string& url() const { return url_; }
  // Runs SQL on this database; the rows, each as tab-separated text.
  std::vector<std::string> query(const std::string& sql) const;

  // Holds `LOCK TABLE <table> IN <mode> MODE` in an open transaction of its own connection
  // until destroyed: lets a test keep a writer waiting at a chosen point.
  class TableLock {
   public:
    TableLock(const std::string& url, const std::string& table, const std::string& mode);
    ~TableLock();
    TableLock(const TableLock&) = delete;
    TableLock& operator=(const TableLock&) = delete;

   private:
    struct State;
    std::unique_ptr<State> state_;
  };
  std::unique_ptr<TableLock> lockTable(const std::string& table, const std::string& mode) const {
    return std::make_unique<TableLock>(url_, table, mode);
  }

  // Whether the engine tests should run on PostgreSQL (PLEDGE_TEST_STORE=postgresql).
  static bool wanted();

 private:
  std::string adminUrl_;
  std::string name_;
  std::string url_;
};

}  // namespace pledge::testing
