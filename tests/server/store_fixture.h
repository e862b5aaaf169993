// Where the tests that run on each store keep their data: for "sqlite" a fresh folder, for
// "postgresql" a fresh database on the tests' cluster (and a folder all the same, for what a test
// writes beside the store). Stores and engines opened on one place see what the ones before them
// committed, as a restarted node would.
//
//   class MyStore : public ::testing::TestWithParam<std::string> {
//    protected:
//     StorePlace place_{GetParam()};
//     std::unique_ptr<Store> store_ = place_.open();
//   };
//   INSTANTIATE_TEST_SUITE_P(Stores, MyStore, ::testing::Values("sqlite", "postgresql"),
//                            [](const auto& param) { return param.param; });
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "pledge/server/engine/engine.h"
#include "pledge/server/store/pg_store.h"
#include "pledge/server/store/sqlite_store.h"
#include "test_database.h"

namespace pledge::server {

// A place of data for the stores of one test. Not copyable; destroying it removes the folder and
// drops the database, so close what was opened on it first (declare it before them). Used by the
// test's thread.
class StorePlace {
 public:
  // kind: "sqlite" or "postgresql" (throws when no test PostgreSQL runs).
  explicit StorePlace(const std::string& kind) {
    char pattern[] = "/tmp/pledge-store-test-XXXXXX";
    dir_ = mkdtemp(pattern);
    if (kind != "sqlite") database_ = std::make_unique<::pledge::testing::TestDatabase>();
  }
  ~StorePlace() { std::filesystem::remove_all(dir_); }
  StorePlace(const StorePlace&) = delete;
  StorePlace& operator=(const StorePlace&) = delete;

  // A store of this place with partitions partitions.
  std::unique_ptr<Store> open(int partitions = 8) const {
    if (database_) return std::make_unique<PgStore>(database_->url(), partitions);
    return std::make_unique<SqliteStore>(dir_, partitions);
  }

  // An engine on a new store of this place (8 partitions) that serves every partition: a store
  // nodes may share starts a node with none, and this one is alone.
  std::unique_ptr<Engine> openEngine(EngineOptions options = {}, Metrics* metrics = nullptr) const {
    auto engine = std::make_unique<Engine>(open(), std::move(options), metrics);
    if (!engine->servesAnyPartition()) engine->adoptPartitions({0, 1, 2, 3, 4, 5, 6, 7});
    return engine;
  }

  // The folder (the SQLite store's, when it is one).
  const std::string& dir() const { return dir_; }
  bool isSqlite() const { return !database_; }

  // Runs SQL on the store's database, beside any store open on it; the rows, each as
  // tab-separated text (NULL as "NULL"). For what a test must see or do below the Store API.
  std::vector<std::string> query(const std::string& sql) const {
    if (database_) return database_->query(sql);
    sqlite3* db = nullptr;
    if (sqlite3_open((dir_ + "/pledge.db").c_str(), &db) != SQLITE_OK) {
      sqlite3_close(db);
      throw std::runtime_error("cannot open the test store's pledge.db");
    }
    sqlite3_busy_timeout(db, 10'000);
    std::vector<std::string> rows;
    char* message = nullptr;
    auto addRow = [](void* out, int columns, char** values, char**) {
      std::string line;
      for (int i = 0; i < columns; ++i) {
        if (i > 0) line += '\t';
        line += values[i] != nullptr ? values[i] : "NULL";
      }
      static_cast<std::vector<std::string>*>(out)->push_back(std::move(line));
      return 0;
    };
    const int rc = sqlite3_exec(db, sql.c_str(), addRow, &rows, &message);
    std::string error = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("SQLite: " + error + ": " + sql);
    return rows;
  }

 private:
  std::string dir_;
  std::unique_ptr<::pledge::testing::TestDatabase> database_;
};

}  // namespace pledge::server
