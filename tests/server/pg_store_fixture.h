// A PgStore on a fresh database of the tests' private PostgreSQL, and the process rows the
// PgStore tests write.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

  // Rows of process_states and process_ends that disagree with processes: none when the lists
  // are true (a running process started since its partition's horizon may have no row).
  std::vector<std::string> disagreements() const {
    return database_.query(
        "SELECT 'no state row: ' || p.id FROM processes p LEFT JOIN process_horizons h ON "
        "h.partition = p.partition WHERE p.state <> 1 AND NOT (p.state = 0 AND p.started_at >= "
        "h.listed_before IS TRUE) AND NOT EXISTS (SELECT 1 FROM process_states s WHERE s.id = "
        "p.id AND s.state = p.state AND s.started_at = p.started_at AND s.partition = "
        "p.partition) "
        "UNION ALL SELECT 'stray state row: ' || s.id FROM process_states s LEFT JOIN processes "
        "p ON p.id = s.id WHERE p.id IS NULL OR p.state <> s.state "
        "UNION ALL SELECT 'no end row: ' || p.id FROM processes p WHERE p.state IN (1, 3) AND "
        "NOT EXISTS (SELECT 1 FROM process_ends e WHERE e.id = p.id AND e.ended_at = p.ended_at "
        "AND e.partition = p.partition) "
        "UNION ALL SELECT 'stray end row: ' || e.id FROM process_ends e LEFT JOIN processes p ON "
        "p.id = e.id WHERE p.id IS NULL OR p.state NOT IN (1, 3) "
        "UNION ALL SELECT 'twice: ' || id FROM process_states GROUP BY id HAVING count(*) > 1");
  }

  pledge::testing::TestDatabase database_;
  PgStore store_{database_.url(), 8};
};

}  // namespace pledge::server
