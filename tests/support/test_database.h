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

  // Whether the engine tests should run on PostgreSQL (PLEDGE_TEST_STORE=postgresql).
  static bool wanted();

 private:
  std::string adminUrl_;
  std::string name_;
  std::string url_;
};

}  // namespace pledge::testing
