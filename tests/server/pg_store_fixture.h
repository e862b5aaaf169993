// A PgStore on a fresh database of the tests' private PostgreSQL, and the process rows the
// PgStore tests write.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "pledge/server/store/pg_store.h"
#include "test_database.h"

namespace pledge::server {

// A new running process of partition, with a random id.
inline ProcessRow processIn(int partition) {
  ProcessRow row;
  row.info.processId = Uuid::random();
  row.info.taskId = Uuid::random();
  row.info.actor = "D#1";
  row.info.method = "start";
  row.info.startedAt = 1;
  row.partition = partition;
  row.isNew = true;
  return row;
}

class PgStoreFixture : public ::testing::Test {
 protected:
  // PostgreSQL's plan of sql (EXPLAIN), a line each.
  std::string plan(const std::string& sql) const {
    std::string text;
    for (const std::string& line : database_.query("EXPLAIN " + sql)) text += line + "\n";
    return text;
  }

  pledge::testing::TestDatabase database_;
  PgStore store_{database_.url(), 8};
};

}  // namespace pledge::server
