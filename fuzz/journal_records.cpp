// A journal record from the store (pledge/server/store/journal.h) as any bytes: replay either
// takes it or throws pledge::Error naming the damage, never anything else; what it takes comes
// back the same through a snapshot, and applying it again on top changes nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "pledge/error.h"
#include "pledge/server/store/journal.h"

namespace {

using pledge::server::TaskRow;
namespace journal = pledge::server::journal;

bool sameTask(const TaskRow& a, const TaskRow& b) {
  return a.id == b.id && a.processId == b.processId && a.parentId == b.parentId &&
         a.seq == b.seq && a.spec == b.spec && a.state == b.state && a.promise == b.promise &&
         a.attempt == b.attempt && a.attemptBase == b.attemptBase && a.notBefore == b.notBefore &&
         a.leaseUntil == b.leaseUntil && a.forwardTo == b.forwardTo && a.value == b.value &&
         a.error == b.error && a.createdAt == b.createdAt && a.readyAt == b.readyAt &&
         a.startedAt == b.startedAt && a.endedAt == b.endedAt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view record(reinterpret_cast<const char*>(data), size);
  const pledge::Uuid process(1, 2);
  journal::Replay replay(process);
  try {
    replay.apply(record);
  } catch (const pledge::Error&) {
    return 0;
  }
  std::vector<TaskRow> tasks = replay.take();
  std::vector<const TaskRow*> rows;
  for (const TaskRow& task : tasks) rows.push_back(&task);
  journal::Replay again(process);
  again.apply(journal::encode(rows, journal::Kind::Snapshot));
  const std::vector<TaskRow> back = again.take();
  pledge::fuzz::check(back.size() == tasks.size(), "a snapshot lost or added tasks");
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    pledge::fuzz::check(sameTask(back[i], tasks[i]), "a snapshot changed a task");
  }
  return 0;
}
