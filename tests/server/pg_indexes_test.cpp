// The indexes of processes on PostgreSQL (schema 17): by start time in ascending order, so that a
// new process goes to the right edge of each, and read backwards for newest first; text keys
// compared bytewise. On the tests' private PostgreSQL.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pg_store_fixture.h"

namespace pledge::server {
namespace {

class PgIndexes : public PgStoreFixture {};

TEST_F(PgIndexes, theIndexesByStartTimeAscendAndServeNewestFirstBackwards) {
  // indoption 0 for each column: ascending, nulls last.
  EXPECT_EQ(database_.query("SELECT c.relname || ' ' || x.indoption::text FROM pg_index x JOIN "
                            "pg_class c ON c.oid = x.indexrelid WHERE c.relname IN "
                            "('processes_by_start', 'processes_by_actor', "
                            "'process_tags_by_value') ORDER BY 1"),
            (std::vector<std::string>{"process_tags_by_value 0 0 0 0", "processes_by_actor 0 0 0",
                                      "processes_by_start 0 0"}));
  for (int batch = 0; batch < 4; ++batch) {
    WriteBatch rows;
    for (int i = 0; i < 500; ++i) {
      rows.processes.push_back(processIn(i % 8));
      ProcessInfo& info = rows.processes.back().info;
      info.startedAt = batch * 500 + i;
      info.actor = i % 50 == 0 ? "Rare#1" : "Common#1";
      info.tags = {{"shard", i % 2 == 0 ? "even" : "odd"}};
    }
    store_.commit(rows);
  }
  database_.query("ANALYZE processes");
  database_.query("ANALYZE process_tags");
  EXPECT_NE(plan("SELECT id FROM processes ORDER BY started_at DESC, id DESC LIMIT 51")
                .find("Scan Backward using processes_by_start"),
            std::string::npos);
  EXPECT_NE(plan("SELECT id FROM processes WHERE actor = 'Rare#1' ORDER BY started_at DESC, id "
                 "DESC LIMIT 5")
                .find("Scan Backward using processes_by_actor"),
            std::string::npos);
  // The lists read them newest first, from the cursor on.
  const ProcessPage first = store_.listProcesses({.actor = "Rare#1", .limit = 2});
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].startedAt, 1'950);
  EXPECT_EQ(first.items[1].startedAt, 1'900);
  const ProcessPage next =
      store_.listProcesses({.actor = "Rare#1", .limit = 2, .cursor = first.next});
  ASSERT_EQ(next.items.size(), 2u);
  EXPECT_EQ(next.items[0].startedAt, 1'850);
  const ProcessPage all = store_.listProcesses({.limit = 3});
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_EQ(all.items[2].startedAt, 1'997);
  const ProcessPage tagged = store_.listProcesses({.tags = {{"shard", "even"}}, .limit = 1});
  ASSERT_EQ(tagged.items.size(), 1u);
  EXPECT_EQ(tagged.items[0].startedAt, 1'998);
}

TEST_F(PgIndexes, textKeysCompareBytewise) {
  EXPECT_EQ(
      database_.query("SELECT a.attrelid::regclass || '.' || a.attname || ' ' || "
                      "c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = "
                      "a.attcollation WHERE (a.attrelid = 'processes'::regclass AND "
                      "a.attname IN ('actor', 'custom_id', 'request_id')) OR (a.attrelid = "
                      "'process_tags'::regclass AND a.attname IN ('key', 'value')) "
                      "ORDER BY 1"),
      (std::vector<std::string>{"process_tags.key C", "process_tags.value C", "processes.actor C",
                                "processes.custom_id C", "processes.request_id C"}));
  // Equality is what reads them, and it is the same: a composed é is not a decomposed one.
  ProcessRow composed = processIn(0);
  composed.info.customId = "caf\u00e9";
  ProcessRow decomposed = processIn(1);
  decomposed.info.customId = "cafe\u0301";
  store_.commit(WriteBatch{{composed, decomposed}, {}});
  const ProcessPage found = store_.listProcesses({.customId = "caf\u00e9"});
  ASSERT_EQ(found.items.size(), 1u);
  EXPECT_EQ(found.items[0].processId, composed.info.processId);
}

}  // namespace
}  // namespace pledge::server
