// The store's write pattern for one fanout process, emulated on SQLite with the server's pragmas,
// in four layouts (docs/journal-store.md chose between them with these numbers):
//   Rows     today's: a processes row and one tasks row per task, every change an upsert
//            (29 rows per fanout process, as the server's metrics count them: 2 process rows, 13
//            task inserts, 14 task updates);
//   Journal  the processes row as today, one journal record per process and commit holding what
//            the commit changed of its tasks, and a task-id index row per new task;
//   JournalNoIndex  the same without the task-id index (what the index costs);
//   JournalArchive  Journal, and an ended process's records replaced by one archive row (what
//            compacting at the end costs).
// A round is 50 processes going through the six group commits a fanout process takes (start; the
// decision with produce, 10 branches and a sum; produce's result; two commits of 5 branch results;
// the sum's result ending the process). CPU time per process and pages written per process are
// reported (CPU is per round: its ms times 20 are us per process). The argument grows
// the store first (the same layout, not timed), to see whether the cost stays flat as it grows.
//   build/release/bench/pledge-microbench --benchmark_filter=StoreLayout
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// A fanout process as pledge-bench runs it: the start task, produce, 10 branches waiting for
// produce, and a sum of the branches that the start task forwards to. Spec sizes in bytes are
// what a fanout run stored; a real group commit held ~55 of these processes' changes.
constexpr int kRound = 50;
constexpr int kBranches = 10;
constexpr int kTasks = kBranches + 3;
constexpr int kProduce = 1;
constexpr int kSum = kTasks - 1;
constexpr std::array<int, 3> kSpecBytes = {141, 174, 642};  // start and produce, branch, sum

enum class Layout { Rows, Journal, JournalNoIndex, JournalArchive };

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

// The schema as the server's migrations leave it (processes and tasks with their indexes).
constexpr const char* kSchema = R"sql(
CREATE TABLE processes (id BLOB PRIMARY KEY, partition INTEGER NOT NULL, start_task BLOB NOT NULL,
  custom_id TEXT UNIQUE, actor TEXT NOT NULL, method TEXT NOT NULL, state INTEGER NOT NULL,
  started_at INTEGER NOT NULL, ended_at INTEGER, result TEXT, error TEXT, failed_task BLOB,
  wake_at INTEGER, request_id TEXT, paused INTEGER NOT NULL DEFAULT 0, tags TEXT) WITHOUT ROWID;
CREATE INDEX processes_by_start ON processes (started_at DESC, id DESC);
CREATE INDEX processes_by_state ON processes (state, started_at DESC, id DESC);
CREATE INDEX processes_by_actor ON processes (actor, started_at DESC, id DESC);
CREATE INDEX processes_dormant ON processes (wake_at) WHERE wake_at IS NOT NULL;
CREATE INDEX processes_by_request ON processes (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX processes_paused ON processes (started_at) WHERE paused = 1;
CREATE INDEX processes_ended ON processes (ended_at) WHERE state IN (1, 3);
CREATE TABLE tasks (id BLOB PRIMARY KEY, process_id BLOB NOT NULL, spec TEXT NOT NULL,
  state INTEGER NOT NULL, promise INTEGER NOT NULL, attempt INTEGER NOT NULL,
  attempt_base INTEGER NOT NULL, not_before INTEGER NOT NULL, lease_until INTEGER NOT NULL,
  forward_to BLOB, value TEXT, error TEXT, created_at INTEGER NOT NULL, ready_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, parent_id BLOB, seq INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE INDEX tasks_by_process ON tasks (process_id);
CREATE TABLE journal (process_id BLOB NOT NULL, seq INTEGER NOT NULL, record BLOB NOT NULL,
  PRIMARY KEY (process_id, seq)) WITHOUT ROWID;
CREATE TABLE task_ids (id BLOB PRIMARY KEY, process_id BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE archive (process_id BLOB PRIMARY KEY, record BLOB NOT NULL) WITHOUT ROWID;
)sql";

using Id = std::array<unsigned char, 16>;

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement(sqlite3* db, const char* sql) {
    check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), db, sql);
  }
  ~Statement() { sqlite3_finalize(stmt); }
  Statement& id(int at, const Id& value) {
    sqlite3_bind_blob(stmt, at, value.data(), 16, SQLITE_STATIC);
    return *this;
  }
  Statement& integer(int at, std::int64_t value) {
    sqlite3_bind_int64(stmt, at, value);
    return *this;
  }
  Statement& text(int at, const std::string& value) {
    sqlite3_bind_text(stmt, at, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    return *this;
  }
  Statement& blob(int at, const std::string& value) {
    sqlite3_bind_blob(stmt, at, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    return *this;
  }
  void run(sqlite3* db) {
    check(sqlite3_step(stmt), db, "step");
    sqlite3_reset(stmt);
  }
};

// One emulated store: a fresh database file in /tmp with the server's pragmas.
class Store {
 public:
  explicit Store(Layout layout) : layout_(layout) {
    char dir[] = "/tmp/pledge-layout-XXXXXX";
    dir_ = mkdtemp(dir);
    check(sqlite3_open((dir_ + "/pledge.db").c_str(), &db_), db_, "open");
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-8192; "
         "PRAGMA mmap_size=268435456; PRAGMA wal_autocheckpoint=8000; PRAGMA temp_store=MEMORY;");
    exec(kSchema);
    insertProcess_ = std::make_unique<Statement>(
        db_, "INSERT INTO processes (id, partition, start_task, actor, method, state, started_at) "
             "VALUES (?1, ?2, ?3, 'Fanout#1.0', 'start', 0, ?4)");
    endProcess_ = std::make_unique<Statement>(
        db_, "UPDATE processes SET state = 1, ended_at = ?2, result = '55' WHERE id = ?1");
    insertTask_ = std::make_unique<Statement>(
        db_, "INSERT INTO tasks (id, process_id, spec, state, promise, attempt, attempt_base, "
             "not_before, lease_until, created_at, ready_at, started_at, ended_at, parent_id, seq) "
             "VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, ?5, ?5, 0, 0, ?6, ?7)");
    updateTask_ = std::make_unique<Statement>(
        db_, "UPDATE tasks SET state = ?2, promise = ?3, attempt = 1, value = ?4, started_at = ?5,"
             " ended_at = ?5 WHERE id = ?1");
    append_ = std::make_unique<Statement>(
        db_, "INSERT INTO journal (process_id, seq, record) VALUES (?1, ?2, ?3)");
    index_ = std::make_unique<Statement>(db_,
                                         "INSERT INTO task_ids (id, process_id) VALUES (?1, ?2)");
    dropRecords_ = std::make_unique<Statement>(db_, "DELETE FROM journal WHERE process_id = ?1");
    archive_ = std::make_unique<Statement>(
        db_, "INSERT INTO archive (process_id, record) VALUES (?1, ?2)");
  }
  ~Store() {
    insertProcess_.reset();
    endProcess_.reset();
    insertTask_.reset();
    updateTask_.reset();
    append_.reset();
    index_.reset();
    dropRecords_.reset();
    archive_.reset();
    sqlite3_close(db_);
    std::filesystem::remove_all(dir_);
  }

  void exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), db_, sql); }

  // One round: kRound processes through the six commits of a fanout.
  void round() {
    std::vector<Process> processes(kRound);
    for (Process& process : processes) process = Process::make(random_, now_);
    commit([&](Process& p) {
      insertProcess_->id(1, p.id).integer(2, p.id[15]).id(3, p.tasks[0]).integer(4, now_).run(db_);
      newTasks(p, 0, 1);
    }, processes);
    commit([&](Process& p) {
      newTasks(p, 1, kTasks);
      changed(p, 0, 1, "");
    }, processes);
    commit([&](Process& p) { changed(p, kProduce, kProduce + 1, "1899"); }, processes);
    commit([&](Process& p) { changed(p, 2, 2 + kBranches / 2, "1899"); }, processes);
    commit([&](Process& p) { changed(p, 2 + kBranches / 2, kSum, "1899"); }, processes);
    commit([&](Process& p) {
      changed(p, kSum, kSum + 1, "18990");
      changed(p, 0, 1, "18990");
      endProcess_->id(1, p.id).integer(2, now_).run(db_);
      if (layout_ == Layout::JournalArchive) {
        // The archive holds what the records held (~ the sum of their sizes).
        const std::string record(2 * kSpecBytes[0] + kBranches * kSpecBytes[1] + kSpecBytes[2] +
                                     kTasks * 50, 'a');
        dropRecords_->id(1, p.id).run(db_);
        archive_->id(1, p.id).blob(2, record).run(db_);
        p.record.clear();  // nothing more appended for an archived process
      }
    }, processes);
  }

  std::int64_t pagesWritten() {
    int current = 0;
    int high = 0;
    sqlite3_db_status(db_, SQLITE_DBSTATUS_CACHE_WRITE, &current, &high, 0);
    return current;
  }

 private:
  struct Process {
    Id id;
    std::array<Id, kTasks> tasks;
    std::int64_t seq = 0;
    std::string record;  // the journal record being built for the current commit
    // Ids as the server and runners make them (Uuid::random, version 7): 48 bits of the clock in
    // ms, big-endian, then random bits, so new rows land at the right edge of the id b-trees.
    static Process make(std::mt19937_64& random, std::int64_t nowMs) {
      Process p;
      auto fill = [&](Id& value) {
        for (std::size_t i = 0; i < value.size(); i += 8) {
          const std::uint64_t r = random();
          std::memcpy(value.data() + i, &r, 8);
        }
        for (int i = 0; i < 6; ++i) {
          value[static_cast<std::size_t>(i)] =
              static_cast<unsigned char>(static_cast<std::uint64_t>(nowMs) >> (40 - 8 * i));
        }
      };
      fill(p.id);
      for (Id& task : p.tasks) fill(task);
      return p;
    }
  };

  template <typename Change>
  void commit(Change change, std::vector<Process>& processes) {
    ++now_;
    exec("BEGIN");
    for (Process& process : processes) {
      process.record.clear();
      change(process);
      if (layout_ != Layout::Rows && !process.record.empty()) {
        append_->id(1, process.id).integer(2, process.seq++).blob(3, process.record).run(db_);
      }
    }
    exec("COMMIT");
  }

  void newTasks(Process& p, int from, int to) {
    for (int i = from; i < to; ++i) {
      const int kind = i <= kProduce ? 0 : i == kSum ? 2 : 1;
      const std::string spec(static_cast<std::size_t>(kSpecBytes[static_cast<std::size_t>(kind)]),
                             'x');
      const Id& task = p.tasks[static_cast<std::size_t>(i)];
      if (layout_ == Layout::Rows) {
        insertTask_->id(1, task).id(2, p.id).text(3, spec).integer(4, kind == 0 ? 2 : 0)
            .integer(5, now_).id(6, p.tasks[0]).integer(7, i).run(db_);
        continue;
      }
      // The record keeps the task's id, its fixed fields (~24 bytes varint-coded) and its spec.
      p.record.append(reinterpret_cast<const char*>(task.data()), task.size());
      p.record.append(24, '\1');
      p.record.append(spec);
      if (layout_ != Layout::JournalNoIndex) index_->id(1, task).id(2, p.id).run(db_);
    }
  }

  void changed(Process& p, int from, int to, const std::string& value) {
    for (int i = from; i < to; ++i) {
      const Id& task = p.tasks[static_cast<std::size_t>(i)];
      if (layout_ == Layout::Rows) {
        updateTask_->id(1, task).integer(2, 4).integer(3, 2).text(4, value).integer(5, now_)
            .run(db_);
        continue;
      }
      // A change names the task by its place in the process and carries what changed.
      p.record.append(12, '\2');
      p.record.append(value);
    }
  }

  Layout layout_;
  std::string dir_;
  sqlite3* db_ = nullptr;
  std::mt19937_64 random_{42};
  std::int64_t now_ = 1'700'000'000'000;
  std::unique_ptr<Statement> insertProcess_, endProcess_, insertTask_, updateTask_, append_,
      index_, dropRecords_, archive_;
};

void storeLayout(benchmark::State& state, Layout layout) {
  Store store(layout);
  // Grow the store first (not timed, not synced) to see the cost on a big store.
  store.exec("PRAGMA synchronous=OFF");
  for (std::int64_t grown = 0; grown < state.range(0); grown += kRound) store.round();
  store.exec("PRAGMA synchronous=FULL");
  const std::int64_t pagesBefore = store.pagesWritten();
  for (auto _ : state) store.round();
  const double processes = static_cast<double>(state.iterations()) * kRound;
  state.counters["pages_per_process"] =
      static_cast<double>(store.pagesWritten() - pagesBefore) / processes;
  state.SetItemsProcessed(static_cast<std::int64_t>(processes));
}

void StoreLayoutRows(benchmark::State& state) { storeLayout(state, Layout::Rows); }
void StoreLayoutJournal(benchmark::State& state) { storeLayout(state, Layout::Journal); }
void StoreLayoutJournalNoIndex(benchmark::State& state) {
  storeLayout(state, Layout::JournalNoIndex);
}
void StoreLayoutJournalArchive(benchmark::State& state) {
  storeLayout(state, Layout::JournalArchive);
}

// Arguments: processes already in the store.
BENCHMARK(StoreLayoutRows)->Arg(0)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(StoreLayoutJournal)->Arg(0)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(StoreLayoutJournalNoIndex)->Arg(0)->Arg(200'000)->Unit(benchmark::kMillisecond);
BENCHMARK(StoreLayoutJournalArchive)->Arg(0)->Arg(200'000)->Unit(benchmark::kMillisecond);

}  // namespace
