#include "pledge/server/node/metrics.h"

#include <gtest/gtest.h>

namespace pledge::server {
namespace {

TEST(Metrics, scrapeHasCountersQueueDepthsAndLatencies) {
  Metrics metrics;
  metrics.processStarted();
  metrics.processStarted();
  metrics.processCompleted();
  metrics.tasksHandedOut(3);
  metrics.taskRetried();
  metrics.observeRequest("POST /api/v1/tasks/poll", 0.002);
  metrics.batchCommitted(10, 0.001);
  metrics.requestForwarded("release");
  metrics.requestForwarded("release");
  std::string text = metrics.scrape({QueueDepth{"W#1", "", 4, 1, 2}}, 7, 1000);
  EXPECT_NE(text.find("pledge_processes_total{event=\"started\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("pledge_processes_total{event=\"completed\"} 1"), std::string::npos);
  EXPECT_NE(text.find("pledge_tasks_total{event=\"handed_out\"} 3"), std::string::npos);
  EXPECT_NE(text.find("pledge_queue_tasks{actor=\"W#1\",state=\"ready\",task_list=\"\"} 4"),
            std::string::npos);
  EXPECT_NE(text.find("pledge_http_request_seconds_count{route=\"POST /api/v1/tasks/poll\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("pledge_store_rows_total 10"), std::string::npos);
  EXPECT_NE(text.find("pledge_live_processes{where=\"dormant\"} 1000"), std::string::npos);
  EXPECT_NE(text.find("pledge_forwarded_requests_total{kind=\"release\"} 2"), std::string::npos);
  EXPECT_NE(text.find("pledge_forwarded_requests_total{kind=\"start\"} 0"), std::string::npos);
}

TEST(Metrics, retentionCountsWhatItDeletedAndArchivedAndWhenItRan) {
  Metrics metrics;
  metrics.retentionBatch(500, 1500, 900'000);
  metrics.retentionBatch(20, 60, 36'000);
  metrics.retentionPassEnded(1'796'328'290'000, false);
  metrics.retentionPassEnded(1'796'328'350'000, true);
  const std::string text = metrics.scrape({}, 0, 0);
  EXPECT_NE(text.find("pledge_retention_deleted_processes_total 520"), std::string::npos) << text;
  EXPECT_NE(text.find("pledge_retention_deleted_tasks_total 1560"), std::string::npos);
  EXPECT_NE(text.find("pledge_retention_archived_bytes_total 936000"), std::string::npos);
  EXPECT_NE(text.find("pledge_retention_failures_total 1"), std::string::npos);
  EXPECT_NE(text.find("pledge_retention_last_run_timestamp_seconds 1796328350"), std::string::npos);
}

}  // namespace
}  // namespace pledge::server
