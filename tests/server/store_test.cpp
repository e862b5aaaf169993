// The Store contract, for each store: the embedded SQLite one and PostgreSQL (on the tests'
// private cluster, ctest fixture "postgres").
#include "pledge/server/store/store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <fmt/format.h>

#include "pledge/server/store/pg_store.h"
#include "pledge/server/store/sqlite_store.h"
#include "test_database.h"

namespace pledge::server {
namespace {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/pledge-store-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

ProcessRow processRow(std::int64_t startedAt, ProcessState state = ProcessState::Running,
                      std::optional<std::string> customId = std::nullopt,
                      std::string actor = "D#1") {
  ProcessRow row;
  row.info.processId = Uuid::random();
  row.info.taskId = Uuid::random();
  row.info.customId = std::move(customId);
  row.info.actor = std::move(actor);
  row.info.method = "start";
  row.info.state = state;
  row.info.startedAt = startedAt;
  row.partition = 3;
  row.isNew = true;
  return row;
}

TaskRow taskRow(const ProcessRow& process) {
  TaskRow row;
  row.id = process.info.taskId;
  row.processId = process.info.processId;
  row.isNew = true;
  row.spec = R"({"taskId":"x"})";
  row.state = TaskState::Leased;
  row.promise = PromiseState::Resolved;
  row.attempt = 2;
  row.value = "42";
  row.forwardTo = Uuid::random();
  row.createdAt = 5;
  return row;
}

// Opens stores on one place of data (a folder, a database); each open sees what the previous
// ones committed.
class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Store> open(int partitions) {
    if (GetParam() == "sqlite") return std::make_unique<SqliteStore>(dir_.path(), partitions);
    if (!database_) database_ = std::make_unique<pledge::testing::TestDatabase>();
    return std::make_unique<PgStore>(database_->url(), partitions);
  }

 private:
  TempDir dir_;
  std::unique_ptr<pledge::testing::TestDatabase> database_;
};

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(StoreContract, commitsRowsAndReadsThemBack) {
  auto opened = open(16);
  Store& store = *opened;
  ProcessRow process = processRow(100, ProcessState::Running, "c-1");
  TaskRow task = taskRow(process);
  store.commit(WriteBatch{{process}, {task}});

  auto found = store.findProcess(process.info.processId);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->info, process.info);
  EXPECT_EQ(found->partition, 3);
  EXPECT_EQ(store.findProcessByCustomId("c-1"), process.info.processId);
  auto storedTask = store.findTask(task.id);
  ASSERT_TRUE(storedTask);
  EXPECT_EQ(storedTask->value, "42");
  EXPECT_EQ(storedTask->forwardTo, task.forwardTo);
  EXPECT_EQ(storedTask->attempt, 2);

  // Updates change state, never the spec.
  process.isNew = false;
  process.info.state = ProcessState::Completed;
  process.info.endedAt = 200;
  process.info.result = Json{{"ok", true}};
  task.isNew = false;
  task.spec.clear();
  task.state = TaskState::Failed;
  task.error = R"({"type":"X","message":"m"})";
  store.commit(WriteBatch{{process}, {task}});
  EXPECT_EQ(store.findProcess(process.info.processId)->info.result, Json({{"ok", true}}));
  EXPECT_EQ(store.findTask(task.id)->spec, R"({"taskId":"x"})");
  EXPECT_EQ(store.findTask(task.id)->state, TaskState::Failed);
  EXPECT_EQ(store.processTasks(process.info.processId).size(), 1u);
}

TEST_P(StoreContract, loadLiveReturnsRunningAndBrokenProcessesWithTheirTasks) {
  ProcessRow running = processRow(1, ProcessState::Running);
  ProcessRow broken = processRow(2, ProcessState::Broken);
  ProcessRow completed = processRow(3, ProcessState::Completed);
  ProcessRow elsewhere = processRow(4, ProcessState::Running);
  elsewhere.partition = 7;
  open(16)->commit(
      WriteBatch{{running, broken, completed, elsewhere},
                 {taskRow(running), taskRow(broken), taskRow(completed), taskRow(elsewhere)}});
  auto reopened = open(16);
  LiveState live = reopened->loadLive(0, PartitionSet::all());
  EXPECT_EQ(live.processes.size(), 3u);
  EXPECT_EQ(live.tasks.size(), 3u);
  // A cluster node loads only the partitions it takes over.
  LiveState mine = reopened->loadLive(0, PartitionSet::of({3}));
  EXPECT_EQ(mine.processes.size(), 2u);
  EXPECT_EQ(mine.tasks.size(), 2u);
  EXPECT_EQ(reopened->loadLive(0, PartitionSet::of({7})).processes.size(), 1u);
  EXPECT_TRUE(reopened->loadLive(0, PartitionSet::of({})).processes.empty());
}

TEST_P(StoreContract, dormantProcessesStayInTheStoreUntilDue) {
  auto opened = open(16);
  Store& store = *opened;
  ProcessRow hot = processRow(1);
  ProcessRow later = processRow(2);
  later.wakeAt = 5'000;
  ProcessRow muchLater = processRow(3);
  muchLater.wakeAt = 9'000;
  store.commit(
      WriteBatch{{hot, later, muchLater}, {taskRow(hot), taskRow(later), taskRow(muchLater)}});
  EXPECT_EQ(store.countDormant(kEveryDormant, PartitionSet::all()), 2);
  EXPECT_EQ(store.countDormant(5'000, PartitionSet::all()), 1);
  EXPECT_EQ(store.countDormant(4'999, PartitionSet::all()), 0);
  EXPECT_EQ(store.countDormant(kEveryDormant, PartitionSet::of({4})), 0);
  EXPECT_EQ(store.loadLive(1'000, PartitionSet::all()).processes.size(), 1u);
  EXPECT_EQ(store.loadLive(5'000, PartitionSet::all()).processes.size(), 2u);
  EXPECT_EQ(store.dormantDue(6'000, 10, PartitionSet::all()),
            std::vector<Uuid>{later.info.processId});
  EXPECT_EQ(store.dormantDue(10'000, 1, PartitionSet::all()),
            std::vector<Uuid>{later.info.processId});
  EXPECT_TRUE(store.dormantDue(10'000, 10, PartitionSet::of({4})).empty());
  LiveState loaded = store.loadProcesses({muchLater.info.processId, Uuid::random()});
  ASSERT_EQ(loaded.processes.size(), 1u);
  EXPECT_EQ(loaded.processes[0].wakeAt, 9'000);
  EXPECT_EQ(loaded.tasks.size(), 1u);
  // Waking clears wake_at.
  later.isNew = false;
  later.wakeAt.reset();
  store.commit(WriteBatch{{later}, {}});
  EXPECT_EQ(store.countDormant(kEveryDormant, PartitionSet::all()), 1);
}

TEST_P(StoreContract, listsNewestFirstWithFiltersAndCursor) {
  auto opened = open(16);
  Store& store = *opened;
  WriteBatch batch;
  for (int i = 0; i < 25; ++i) {
    batch.processes.push_back(processRow(1000 + i,
                                         i % 5 == 0 ? ProcessState::Broken : ProcessState::Running,
                                         std::nullopt, i % 2 == 0 ? "Even#1" : "Odd#1"));
  }
  store.commit(batch);
  std::vector<std::int64_t> seen;
  ProcessQuery query{.limit = 10};
  for (int page = 0; page < 5; ++page) {
    ProcessPage result = store.listProcesses(query);
    for (const ProcessInfo& info : result.items) seen.push_back(info.startedAt);
    if (!result.next) break;
    query.cursor = result.next;
  }
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  EXPECT_EQ(seen.front(), 1024);

  EXPECT_EQ(store.listProcesses({.state = ProcessState::Broken, .limit = 100}).items.size(), 5u);
  EXPECT_EQ(store.listProcesses({.actor = "Even#1", .limit = 100}).items.size(), 13u);
  EXPECT_EQ(
      store.listProcesses({.startedAfter = 1020, .startedBefore = 1022, .limit = 100}).items.size(),
      2u);
  EXPECT_THROW(store.listProcesses({.cursor = "nonsense"}), Error);
  EXPECT_THROW(store.listProcesses({.limit = 0}), Error);
  ProcessCounts counts = store.countProcesses();
  EXPECT_EQ(counts.broken, 5);
  EXPECT_EQ(counts.running, 20);
}

TEST_P(StoreContract, customIdsAreUnique) {
  auto opened = open(16);
  Store& store = *opened;
  store.commit(WriteBatch{{processRow(1, ProcessState::Running, "same")}, {}});
  EXPECT_THROW(store.commit(WriteBatch{{processRow(2, ProcessState::Running, "same")}, {}}), Error);
  // A failed commit changes nothing and the store stays usable.
  EXPECT_EQ(store.listProcesses({}).items.size(), 1u);
  store.commit(WriteBatch{{processRow(3)}, {}});
  EXPECT_EQ(store.listProcesses({}).items.size(), 2u);
}

TEST_P(StoreContract, partitionCountIsStoredWithTheData) {
  open(16);
  EXPECT_EQ(open(16)->partitions(), 16);
  try {
    open(32);
    FAIL() << "opened with another partition count";
  } catch (const Error& error) {
    EXPECT_NE(error.message().find("holds 16 partitions but 32 were asked for"), std::string::npos)
        << error.message();
  }
}

TEST_P(StoreContract, blockedActorsPersist) {
  {
    auto store = open(4);
    store->setActorBlocked("A#1", true);
    store->setActorBlocked("B#1", true);
    store->setActorBlocked("B#1", false);
  }
  EXPECT_EQ(open(4)->blockedActors(), std::vector<std::string>{"A#1"});
}

TEST_P(StoreContract, limitsPersistAreReplacedAndDeleted) {
  const TaskLimit all{.actor = "A#1", .maxRunning = 10};
  const TaskLimit list{.actor = "A#1", .taskList = "slow", .perSecond = 2.5, .burst = 7};
  {
    auto store = open(4);
    store->setLimit(all);
    store->setLimit(TaskLimit{.actor = "A#1", .taskList = "slow", .maxRunning = 1});
    store->setLimit(list);  // replaces: unset bounds are unset again
    store->setLimit(TaskLimit{.actor = "B#1", .perSecond = 1});
    EXPECT_TRUE(store->deleteLimit("B#1", ""));
    EXPECT_FALSE(store->deleteLimit("B#1", ""));
  }
  EXPECT_EQ(open(4)->limits(), (std::vector<TaskLimit>{all, list}));
}

TEST_P(StoreContract, batchesWriteManyRowsAndLaterRowsOfAnIdWin) {
  auto store = open(16);
  WriteBatch batch;
  for (int i = 0; i < 500; ++i) {
    ProcessRow process = processRow(i);
    // Text that needs quoting on every path: quotes, backslashes, commas, braces, unicode.
    process.info.customId = fmt::format("id \"{}\" \\ {{a,b}} ü", i);
    batch.processes.push_back(process);
    batch.tasks.push_back(taskRow(process));
  }
  ProcessRow last = batch.processes.back();
  last.isNew = false;
  last.info.state = ProcessState::Completed;
  last.info.endedAt = 9;
  last.info.result = Json("done, {really}");
  batch.processes.push_back(last);
  store->commit(batch);
  EXPECT_EQ(store->countProcesses().running, 499);
  EXPECT_EQ(store->findProcess(last.info.processId)->info.result, Json("done, {really}"));
  EXPECT_EQ(store->findProcessByCustomId("id \"7\" \\ {a,b} ü"), batch.processes[7].info.processId);
  EXPECT_EQ(store->findTask(batch.tasks[3].id)->spec, R"({"taskId":"x"})");
}

TEST(SqliteStore, unusableDataFolderIsAClearError) {
  EXPECT_THROW(SqliteStore("/proc/pledge-cannot-write-here", 4), Error);
}

}  // namespace
}  // namespace pledge::server
