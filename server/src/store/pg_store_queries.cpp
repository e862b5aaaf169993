#include <fmt/format.h>

#include <pqxx/pqxx>
#include <unordered_map>

#include "pledge/error.h"
#include "pledge/server/store/pg_store.h"
#include "pledge/server/store/journal.h"
#include "store/pg_journal.h"
#include "store/pg_process_lists.h"
#include "store/pg_rows.h"
#include "store/pg_session.h"

namespace pledge::server {

using pg::ArrayLiteral;
using pg::kProcessColumns;
using pg::partitionFilter;
using pg::readProcess;
using pg::storedState;
using pg::uuidOf;

LiveState PgStore::loadLive(std::int64_t horizon, const PartitionSet& partitions) {
  return reader_->run("load live processes", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    // Before the processes: a partition's horizon moves only by the commits of its owner, which
    // this node is (or is about to be).
    pg::learnHorizons(tx, *horizons_, partitions);
    const std::string live =
        pg::liveProcesses(horizon, partitions, pg::lowestHorizon(tx, partitions));
    LiveState state;
    for (const auto& row :
         tx.exec(fmt::format("SELECT {} FROM {}", rows::qualified(kProcessColumns, "p"), live))) {
      state.processes.push_back(readProcess(row));
    }
    pg::readTasks(tx.exec(fmt::format("SELECT j.process_id, j.record FROM journal j WHERE "
                                      "j.process_id IN (SELECT p.id FROM {}) "
                                      "ORDER BY j.process_id, j.seq",
                                      live)),
                  state.tasks, snapshots_.get());
    return state;
  });
}

std::vector<Uuid> PgStore::dormantDue(std::int64_t horizon, int limit,
                                      const PartitionSet& partitions) {
  return reader_->run("find dormant processes", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::vector<Uuid> ids;
    for (const auto& row :
         tx.exec_params(fmt::format("SELECT id FROM processes WHERE wake_at IS NOT NULL AND "
                                    "wake_at <= $1{} ORDER BY wake_at, id LIMIT $2",
                                    partitionFilter("", partitions)),
                        horizon, limit)) {
      ids.push_back(*uuidOf(row[0]));
    }
    return ids;
  });
}

LiveState PgStore::loadProcesses(const std::vector<Uuid>& ids) {
  ArrayLiteral list;
  for (const Uuid& id : ids) list.add(id);
  return reader_->run("load processes", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    LiveState live;
    for (const auto& row : tx.exec_params(
             fmt::format("SELECT {} FROM processes WHERE id = ANY($1::uuid[])", kProcessColumns),
             list.str())) {
      live.processes.push_back(readProcess(row));
    }
    live.tasks = pg::tasksOf(tx, list.str(), snapshots_.get());
    return live;
  });
}

std::int64_t PgStore::countDormant(std::int64_t dueBy, const PartitionSet& partitions) {
  return reader_->run("count dormant processes", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return tx
        .exec_params(fmt::format("SELECT COUNT(*) FROM processes WHERE wake_at IS NOT NULL AND "
                                 "wake_at <= $1{}",
                                 partitionFilter("", partitions)),
                     dueBy)[0][0]
        .as<std::int64_t>();
  });
}

std::optional<ProcessRow> PgStore::findProcess(const Uuid& id) {
  return reader_->run(
      "find process", true, [&](pqxx::connection& connection) -> std::optional<ProcessRow> {
        pqxx::nontransaction tx(connection);
        pqxx::result rows = tx.exec_params(
            fmt::format("SELECT {} FROM processes WHERE id = $1", kProcessColumns), id.toString());
        if (rows.empty()) return std::nullopt;
        return readProcess(rows[0]);
      });
}

std::optional<Uuid> PgStore::findProcessByCustomId(const std::string& customId) {
  return reader_->run(
      "find process by customId", true, [&](pqxx::connection& connection) -> std::optional<Uuid> {
        pqxx::nontransaction tx(connection);
        pqxx::result rows =
            tx.exec_params("SELECT id FROM processes WHERE custom_id = $1", customId);
        if (rows.empty()) return std::nullopt;
        return uuidOf(rows[0][0]);
      });
}

std::vector<std::optional<StartedProcess>> PgStore::findStarts(const std::vector<StartKey>& keys) {
  ArrayLiteral customIds;
  ArrayLiteral requestIds;
  for (const StartKey& key : keys) {
    if (key.customId) {
      customIds.add(*key.customId);
    } else if (key.requestId) {
      requestIds.add(*key.requestId);
    }
  }
  return reader_->run("find started processes", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::unordered_map<std::string, StartedProcess> byCustomId;
    std::unordered_map<std::string, StartedProcess> byRequestId;
    const auto find = [&](const char* column, const ArrayLiteral& wanted,
                          std::unordered_map<std::string, StartedProcess>& into) {
      if (wanted.empty()) return;
      for (const auto& row : tx.exec_params(pg::startsBy(column), wanted.str())) {
        into.emplace(row[0].c_str(), StartedProcess{*uuidOf(row[1]), *uuidOf(row[2]), true});
      }
    };
    find("custom_id", customIds, byCustomId);
    find("request_id", requestIds, byRequestId);
    std::vector<std::optional<StartedProcess>> found;
    for (const StartKey& key : keys) {
      const auto& index = key.customId ? byCustomId : byRequestId;
      const std::optional<std::string>& id = key.customId ? key.customId : key.requestId;
      auto it = id ? index.find(*id) : index.end();
      found.push_back(it == index.end() ? std::nullopt : std::optional<StartedProcess>(it->second));
    }
    return found;
  });
}

std::optional<TaskRow> PgStore::findTask(const Uuid& id) {
  return reader_->run(
      "find task", true, [&](pqxx::connection& connection) -> std::optional<TaskRow> {
        pqxx::nontransaction tx(connection);
        std::vector<TaskRow> tasks;
        pg::readTasks(tx.exec_params("SELECT j.process_id, j.record FROM task_ids t JOIN journal "
                                     "j ON j.process_id = t.process_id WHERE t.id = $1 "
                                     "ORDER BY j.seq",
                                     id.toString()),
                      tasks, nullptr);
        for (TaskRow& task : tasks) {
          if (task.id == id) return std::move(task);
        }
        return std::nullopt;
      });
}

std::vector<TaskRow> PgStore::processTasks(const Uuid& processId) {
  return reader_->run("read tasks", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    ArrayLiteral id;
    id.add(processId);
    return pg::tasksOf(tx, id.str(), nullptr);
  });
}

ProcessPage PgStore::listProcesses(const ProcessQuery& query) {
  const std::optional<std::pair<std::int64_t, Uuid>> after = rows::pageStart(query);
  const std::vector<TagFilter> tags = rows::distinctTags(query);
  // With tags, the first tag's index rows ($9, $10) drive the walk newest first, and a process
  // must have every other tag too ($11, $12: keys and values, one stored row each as the pairs
  // are distinct and a process has one value per key); order and cursor are the index row's.
  std::string from = "processes p";
  std::string order = "p.started_at DESC, p.id DESC";
  std::string_view startedAt = "p.started_at";
  std::string_view id = "p.id";
  ArrayLiteral otherKeys;
  ArrayLiteral otherValues;
  std::optional<std::string> firstKey;
  std::optional<std::string> firstValue;
  bool inState = false;
  if (!tags.empty()) {
    from =
        "process_tags t0 JOIN processes p ON p.id = t0.process_id WHERE t0.key = $9 AND "
        "t0.value = $10 AND (SELECT COUNT(*) FROM process_tags t JOIN unnest($11::text[], "
        "$12::text[]) AS f(key, value) ON t.key = f.key AND t.value = f.value WHERE "
        "t.process_id = p.id) = cardinality($11::text[]) AND";
    startedAt = "t0.started_at";
    id = "t0.process_id";
    order = "t0.started_at DESC, t0.process_id DESC";
    firstKey = tags[0].key;
    firstValue = tags[0].value;
    for (std::size_t i = 1; i < tags.size(); ++i) {
      otherKeys.add(tags[i].key);
      otherValues.add(tags[i].value);
    }
  } else if (query.state && *query.state != ProcessState::Completed) {
    // The processes not completed are listed by state (pg_process_lists.h): a walk of the
    // completed ones, nearly all of a store, would skip the few of the state it looks for. The
    // running ones not listed yet are found from the lowest horizon, read before the walk.
    inState = true;
    startedAt = "s.started_at";
    id = "s.id";
    order = "s.started_at DESC, s.id DESC";
  } else {
    from += " WHERE";
  }
  // Absent filters are NULL parameters that match everything.
  const auto statement = [&](const std::string& source) {
    return fmt::format(
        "SELECT {0} FROM {1} ($1::int IS NULL OR p.state = $1) AND ($2::text IS NULL OR "
        "p.actor = $2) AND ($3::text IS NULL OR p.custom_id = $3) AND ($4::bigint IS NULL OR "
        "{2} >= $4) AND ($5::bigint IS NULL OR {2} < $5) AND ($6::bigint IS NULL OR ({2}, {3}) < "
        "($6, $7::uuid)) {4} ORDER BY {5} LIMIT $8",
        rows::qualified(kProcessColumns, "p"), source, startedAt, id,
        !query.paused   ? ""
        : *query.paused ? "AND p.paused = 1"
                        : "AND p.paused = 0",
        order);
  };
  std::optional<int> state;
  if (query.state) state = storedState(*query.state);
  std::optional<std::int64_t> afterStarted;
  std::optional<std::string> afterId;
  if (after) {
    afterStarted = after->first;
    afterId = after->second.toString();
  }
  return reader_->run("list processes", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    ProcessPage page;
    const std::string sql =
        statement(!inState ? from
                           : pg::processesInState(pg::lowestHorizon(tx, PartitionSet::all())) +
                                 " JOIN processes p ON p.id = s.id WHERE s.state = $1 AND");
    // A statement must use every parameter it is given: the tag ones only go with tags.
    const pqxx::result found =
        tags.empty() ? tx.exec_params(sql, state, query.actor, query.customId, query.startedAfter,
                                      query.startedBefore, afterStarted, afterId, query.limit + 1)
                     : tx.exec_params(sql, state, query.actor, query.customId, query.startedAfter,
                                      query.startedBefore, afterStarted, afterId, query.limit + 1,
                                      firstKey, firstValue, otherKeys.str(), otherValues.str());
    for (const auto& row : found) {
      if (!rows::addToPage(page, query.limit, readProcess(row).info)) break;
    }
    return page;
  });
}

ProcessCounts PgStore::countProcesses() {
  return reader_->run("count processes", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    ProcessCounts counts;
    for (const auto& row : tx.exec(pg::countByState(pg::lowestHorizon(tx, PartitionSet::all())))) {
      rows::addCount(counts, row[0].as<std::int64_t>(), row[1].as<std::int64_t>());
    }
    return counts;
  });
}

std::vector<std::string> PgStore::blockedActors() {
  return reader_->run("read blocked actors", true, [&](pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    std::vector<std::string> actors;
    for (const auto& row : tx.exec("SELECT actor FROM actors WHERE blocked ORDER BY actor")) {
      actors.emplace_back(row[0].c_str());
    }
    return actors;
  });
}

}  // namespace pledge::server
