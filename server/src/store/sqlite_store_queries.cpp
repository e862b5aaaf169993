// SqliteStore's reads, on the reader connection (under readMutex_).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pledge/server/store/sqlite_store.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_store_statements.h"
#include "store/stored_rows.h"

namespace pledge::server {
namespace sqlite {

std::string partitionFilter(std::string_view alias, const PartitionSet& partitions) {
  if (partitions.everything) return "";
  return fmt::format(" AND {}partition IN ({})", alias, fmt::join(partitions.list, ", "));
}

}  // namespace sqlite

using rows::kProcessColumns;
using rows::readProcess;
using rows::storedState;
using sqlite::partitionFilter;
using sqlite::ResetOnExit;
using sqlite::Statement;

LiveState SqliteStore::loadLive(std::int64_t horizon, const PartitionSet& partitions) {
  // Running or broken, not dormant past the horizon, of the partitions; alias is the processes
  // table's.
  auto live = [&](std::string_view alias) {
    return rows::liveCondition(alias, horizon, partitionFilter(alias, partitions));
  };
  std::lock_guard lock(readMutex_);
  LiveState state;
  Statement processes(reader_,
                      fmt::format("SELECT {} FROM processes WHERE {}", kProcessColumns, live("")));
  while (processes.step()) state.processes.push_back(readProcess(processes));
  Statement records(reader_,
                    fmt::format("SELECT j.process_id, j.record FROM processes p JOIN journal j "
                                "ON j.process_id = p.id WHERE {} ORDER BY j.process_id, j.seq",
                                live("p.")));
  readTasks(records, state.tasks, /*count=*/true);
  return state;
}

std::vector<Uuid> SqliteStore::dormantDue(std::int64_t horizon, int limit,
                                          const PartitionSet& partitions) {
  std::lock_guard lock(readMutex_);
  Statement query(
      reader_, fmt::format("SELECT id FROM processes WHERE wake_at IS NOT NULL AND wake_at <= ?{} "
                           "ORDER BY wake_at, id LIMIT ?",
                           partitionFilter("", partitions)));
  query.bind(1, horizon).bind(2, std::int64_t{limit});
  std::vector<Uuid> ids;
  while (query.step()) ids.push_back(*query.uuid(0));
  return ids;
}

LiveState SqliteStore::loadProcesses(const std::vector<Uuid>& ids) {
  std::lock_guard lock(readMutex_);
  LiveState live;
  Statement process(reader_, fmt::format("SELECT {} FROM processes WHERE id = ?", kProcessColumns));
  Statement records(reader_,
                    "SELECT process_id, record FROM journal WHERE process_id = ? ORDER BY seq");
  for (const Uuid& id : ids) {
    process.bind(1, id);
    if (process.step()) live.processes.push_back(readProcess(process));
    process.reset();
    ResetOnExit reset(records);
    records.bind(1, id);
    readTasks(records, live.tasks, /*count=*/true);
  }
  return live;
}

std::int64_t SqliteStore::countDormant(std::int64_t dueBy, const PartitionSet& partitions) {
  std::lock_guard lock(readMutex_);
  Statement query(reader_,
                  fmt::format("SELECT COUNT(*) FROM processes WHERE wake_at IS NOT NULL AND "
                              "wake_at <= ?{}",
                              partitionFilter("", partitions)));
  query.bind(1, dueBy);
  return query.step() ? query.integer(0) : 0;
}

std::optional<ProcessRow> SqliteStore::findProcess(const Uuid& id) {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, fmt::format("SELECT {} FROM processes WHERE id = ?", kProcessColumns));
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return readProcess(query);
}

std::optional<Uuid> SqliteStore::findProcessByCustomId(const std::string& customId) {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, "SELECT id FROM processes WHERE custom_id = ?");
  query.bind(1, customId);
  if (!query.step()) return std::nullopt;
  return query.uuid(0);
}

std::vector<std::optional<StartedProcess>> SqliteStore::findStarts(
    const std::vector<StartKey>& keys) {
  std::lock_guard lock(readMutex_);
  // Prepared once: every start of the client library carries a requestId.
  if (!startLookups_) {
    startLookups_ = std::make_unique<StartLookups>(
        StartLookups{std::make_unique<Statement>(
                         reader_, "SELECT id, start_task FROM processes WHERE custom_id = ?"),
                     std::make_unique<Statement>(
                         reader_, "SELECT id, start_task FROM processes WHERE request_id = ?")});
  }
  Statement& byCustomId = *startLookups_->byCustomId;
  Statement& byRequestId = *startLookups_->byRequestId;
  std::vector<std::optional<StartedProcess>> found;
  found.reserve(keys.size());
  for (const StartKey& key : keys) {
    Statement* query = key.customId ? &byCustomId : key.requestId ? &byRequestId : nullptr;
    if (query == nullptr) {
      found.emplace_back();
      continue;
    }
    ResetOnExit reset(*query);
    query->bind(1, key.customId ? *key.customId : *key.requestId);
    if (query->step()) {
      found.emplace_back(StartedProcess{*query->uuid(0), *query->uuid(1), true});
    } else {
      found.emplace_back();
    }
  }
  return found;
}

ProcessPage SqliteStore::listProcesses(const ProcessQuery& query) {
  const std::optional<std::pair<std::int64_t, Uuid>> after = rows::pageStart(query);
  const std::vector<TagFilter> tags = rows::distinctTags(query);
  // With tags, the first tag's index rows drive the walk (newest first) and the others are
  // looked up per process; the order and the cursor are the index row's (the same values).
  std::string sql = fmt::format("SELECT {} FROM ", rows::qualified(kProcessColumns, "p"));
  std::string_view startedAt = "p.started_at";
  std::string_view id = "p.id";
  if (tags.empty()) {
    sql += "processes p WHERE 1 = 1";
  } else {
    sql += "process_tags t0 CROSS JOIN processes p ON p.id = t0.process_id "
           "WHERE t0.key = ?9 AND t0.value = ?10";
    for (std::size_t i = 1; i < tags.size(); ++i) {
      sql += fmt::format(
          " AND EXISTS (SELECT 1 FROM process_tags t WHERE t.process_id = p.id AND t.key = ?{} "
          "AND t.value = ?{})",
          9 + 2 * i, 10 + 2 * i);
    }
    startedAt = "t0.started_at";
    id = "t0.process_id";
  }
  if (query.state) sql += " AND p.state = ?1";
  if (query.paused) sql += *query.paused ? " AND p.paused = 1" : " AND p.paused = 0";
  if (query.actor) sql += " AND p.actor = ?2";
  if (query.customId) sql += " AND p.custom_id = ?3";
  if (query.startedAfter) sql += fmt::format(" AND {} >= ?4", startedAt);
  if (query.startedBefore) sql += fmt::format(" AND {} < ?5", startedAt);
  if (after) sql += fmt::format(" AND ({0} < ?6 OR ({0} = ?6 AND {1} < ?7))", startedAt, id);
  sql += fmt::format(" ORDER BY {} DESC, {} DESC LIMIT ?8", startedAt, id);

  std::lock_guard lock(readMutex_);
  Statement select(reader_, sql);
  if (query.state) select.bind(1, std::int64_t{storedState(*query.state)});
  if (query.actor) select.bind(2, *query.actor);
  if (query.customId) select.bind(3, *query.customId);
  if (query.startedAfter) select.bind(4, *query.startedAfter);
  if (query.startedBefore) select.bind(5, *query.startedBefore);
  if (after) select.bind(6, after->first).bind(7, after->second);
  select.bind(8, std::int64_t{query.limit + 1});
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const int at = static_cast<int>(9 + 2 * i);
    select.bind(at, tags[i].key).bind(at + 1, tags[i].value);
  }
  ProcessPage page;
  while (select.step()) {
    if (!rows::addToPage(page, query.limit, readProcess(select).info)) break;
  }
  return page;
}

std::vector<std::string> SqliteStore::blockedActors() {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, "SELECT actor FROM actors WHERE blocked = 1 ORDER BY actor");
  std::vector<std::string> actors;
  while (query.step()) actors.push_back(query.text(0));
  return actors;
}

ProcessCounts SqliteStore::countProcesses() {
  std::lock_guard lock(readMutex_);
  Statement query(reader_, "SELECT state, COUNT(*) FROM processes GROUP BY state");
  ProcessCounts counts;
  while (query.step()) rows::addCount(counts, query.integer(0), query.integer(1));
  return counts;
}

}  // namespace pledge::server
