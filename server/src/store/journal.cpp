// The record format (docs/journal-store.md "The layout"):
//
//   record  := kind:u8 count:varint task*
//   task    := flags:u8 id:16 [full] state:u8 promise:u8 attempt:varint attemptBase:varint
//              notBefore:zigzag leaseUntil:zigzag [forwardTo:16] [value:string] [error:string]
//              readyAt:zigzag startedAt:zigzag endedAt:zigzag
//   full    := [parentId:16] seq:varint spec:string createdAt:zigzag
//   string  := length:varint bytes
//
// The flags say which optional parts follow (kFull, kParent, kForward, kValue, kError). Ids are
// big-endian, as the stores key them. Numbers are LEB128 varints; times are zigzag-coded so that
// a negative value (never written today) still reads back.
#include "pledge/server/store/journal.h"

#include <fmt/format.h>

#include <algorithm>

#include "pledge/error.h"

namespace pledge::server::journal {
namespace {

constexpr std::uint8_t kFull = 1;
constexpr std::uint8_t kParent = 2;
constexpr std::uint8_t kForward = 4;
constexpr std::uint8_t kValue = 8;
constexpr std::uint8_t kError = 16;

// Each put appends its bytes in one go, into a record reserved at its size.
void putVarint(std::string& out, std::uint64_t value) {
  char bytes[10];
  std::size_t size = 0;
  while (value >= 0x80) {
    bytes[size++] = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  bytes[size++] = static_cast<char>(value);
  out.append(bytes, size);
}

void putSigned(std::string& out, std::int64_t value) {
  putVarint(out, (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

void putId(std::string& out, const Uuid& id) {
  char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>(id.high() >> (56 - 8 * i));
    bytes[8 + i] = static_cast<char>(id.low() >> (56 - 8 * i));
  }
  out.append(bytes, sizeof bytes);
}

void putString(std::string& out, std::string_view text) {
  putVarint(out, text.size());
  out += text;
}

// Reads a record front to back; every read checks that the bytes are there.
class Reader {
 public:
  Reader(std::string_view bytes, const Uuid& processId) : bytes_(bytes), processId_(processId) {}

  bool done() const { return at_ == bytes_.size(); }
  std::uint8_t byte() {
    need(1);
    return static_cast<std::uint8_t>(bytes_[at_++]);
  }
  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t next = byte();
      value |= static_cast<std::uint64_t>(next & 0x7f) << shift;
      if ((next & 0x80) == 0) return value;
    }
    damaged("a number runs past 64 bits");
  }
  std::int64_t signedNumber() {
    const std::uint64_t coded = varint();
    return static_cast<std::int64_t>((coded >> 1) ^ (~(coded & 1) + 1));
  }
  int smallNumber() {
    const std::uint64_t value = varint();
    if (value > 0x7fffffff) damaged("a count is out of range");
    return static_cast<int>(value);
  }
  Uuid id() {
    need(16);
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    for (int i = 0; i < 8; ++i) high = (high << 8) | static_cast<std::uint8_t>(bytes_[at_ + i]);
    for (int i = 8; i < 16; ++i) low = (low << 8) | static_cast<std::uint8_t>(bytes_[at_ + i]);
    at_ += 16;
    return Uuid(high, low);
  }
  std::string string() {
    const std::uint64_t size = varint();
    if (size > bytes_.size() - at_) damaged("a text runs past the record's end");
    std::string text(bytes_.substr(at_, size));
    at_ += size;
    return text;
  }
  [[noreturn]] void damaged(std::string_view what) const {
    throw Error(ErrorCode::Internal,
                fmt::format("the store's journal of process {} is damaged: {} (at byte {} of {})",
                            processId_.toString(), what, at_, bytes_.size()));
  }

 private:
  void need(std::size_t count) const {
    if (count > bytes_.size() - at_) damaged("the record ends early");
  }
  std::string_view bytes_;
  Uuid processId_;
  std::size_t at_ = 0;
};

}  // namespace

std::vector<ProcessChanges> byProcess(const std::vector<TaskRow>& rows) {
  std::vector<ProcessChanges> changes;
  std::unordered_map<Uuid, std::size_t> index;
  for (const TaskRow& row : rows) {
    auto [found, added] = index.try_emplace(row.processId, changes.size());
    if (added) changes.push_back(ProcessChanges{row.processId, {}});
    changes[found->second].rows.push_back(&row);
  }
  return changes;
}

std::string encode(const std::vector<const TaskRow*>& rows, Kind kind) {
  std::string out;
  std::size_t size = 16;
  for (const TaskRow* row : rows) {
    size += 128 + row->spec.size() + row->value.size() + row->error.size();
  }
  out.reserve(size);
  out += static_cast<char>(kind);
  putVarint(out, rows.size());
  for (const TaskRow* row : rows) {
    const bool full = row->isNew || kind == Kind::Snapshot;
    std::uint8_t flags = 0;
    if (full) flags |= kFull;
    if (full && row->parentId) flags |= kParent;
    if (row->forwardTo) flags |= kForward;
    if (!row->value.empty()) flags |= kValue;
    if (!row->error.empty()) flags |= kError;
    out += static_cast<char>(flags);
    putId(out, row->id);
    if (full) {
      if (row->parentId) putId(out, *row->parentId);
      putVarint(out, static_cast<std::uint64_t>(std::max(row->seq, 0)));
      putString(out, row->spec);
      putSigned(out, row->createdAt);
    }
    out += static_cast<char>(row->state);
    out += static_cast<char>(row->promise);
    putVarint(out, static_cast<std::uint64_t>(std::max(row->attempt, 0)));
    putVarint(out, static_cast<std::uint64_t>(std::max(row->attemptBase, 0)));
    putSigned(out, row->notBefore);
    putSigned(out, row->leaseUntil);
    if (row->forwardTo) putId(out, *row->forwardTo);
    if (!row->value.empty()) putString(out, row->value);
    if (!row->error.empty()) putString(out, row->error);
    putSigned(out, row->readyAt);
    putSigned(out, row->startedAt);
    putSigned(out, row->endedAt);
  }
  return out;
}

void Replay::apply(std::string_view record) {
  Reader in(record, processId_);
  const std::uint8_t kind = in.byte();
  if (kind == static_cast<std::uint8_t>(Kind::Snapshot)) {
    tasks_.clear();
    index_.clear();
    records_ = 0;
  } else if (kind != static_cast<std::uint8_t>(Kind::Delta)) {
    in.damaged(fmt::format("unknown record kind {}", kind));
  }
  ++records_;
  const int count = in.smallNumber();
  for (int i = 0; i < count; ++i) {
    const std::uint8_t flags = in.byte();
    const Uuid id = in.id();
    TaskRow* task = nullptr;
    if ((flags & kFull) != 0) {
      auto [found, added] = index_.try_emplace(id, tasks_.size());
      if (added) tasks_.emplace_back();
      task = &tasks_[found->second];
      task->id = id;
      task->processId = processId_;
      task->parentId.reset();
      if ((flags & kParent) != 0) task->parentId = in.id();
      task->seq = in.smallNumber();
      task->spec = in.string();
      task->createdAt = in.signedNumber();
    } else {
      auto found = index_.find(id);
      if (found == index_.end()) in.damaged(fmt::format("task {} changes before it exists",
                                                        id.toString()));
      task = &tasks_[found->second];
    }
    task->state = static_cast<TaskState>(in.byte());
    task->promise = static_cast<PromiseState>(in.byte());
    task->attempt = in.smallNumber();
    task->attemptBase = in.smallNumber();
    task->notBefore = in.signedNumber();
    task->leaseUntil = in.signedNumber();
    task->forwardTo.reset();
    if ((flags & kForward) != 0) task->forwardTo = in.id();
    task->value = (flags & kValue) != 0 ? in.string() : std::string();
    task->error = (flags & kError) != 0 ? in.string() : std::string();
    task->readyAt = in.signedNumber();
    task->startedAt = in.signedNumber();
    task->endedAt = in.signedNumber();
  }
  if (!in.done()) in.damaged("bytes follow the last task");
}

std::vector<TaskRow> Replay::take() {
  std::vector<TaskRow> tasks = std::move(tasks_);
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const TaskRow& a, const TaskRow& b) { return a.seq < b.seq; });
  tasks_.clear();
  index_.clear();
  records_ = 0;
  return tasks;
}

std::vector<Uuid> Replay::taskIds() const {
  std::vector<Uuid> ids;
  ids.reserve(tasks_.size());
  for (const TaskRow& task : tasks_) ids.push_back(task.id);
  return ids;
}

void Rebuilder::add(const Uuid& processId, std::string_view record) {
  if (replay_ && replay_->processId() != processId) finish();
  if (!replay_) replay_.emplace(processId);
  replay_->apply(record);
}

void Rebuilder::finish() {
  if (!replay_) return;
  if (counter_ != nullptr) counter_->set(replay_->processId(), replay_->records());
  std::vector<TaskRow> tasks = replay_->take();
  out_.insert(out_.end(), std::make_move_iterator(tasks.begin()),
              std::make_move_iterator(tasks.end()));
  replay_.reset();
}

std::string snapshot(const Uuid& processId, const std::vector<std::string>& records,
                     std::string_view delta) {
  Replay replay(processId);
  for (const std::string& record : records) replay.apply(record);
  replay.apply(delta);
  const std::vector<TaskRow> tasks = replay.take();
  std::vector<const TaskRow*> rows;
  rows.reserve(tasks.size());
  for (const TaskRow& task : tasks) rows.push_back(&task);
  return encode(rows, Kind::Snapshot);
}

bool SnapshotCounter::next(const Uuid& processId) {
  std::lock_guard lock(mutex_);
  int* records = records_.get(processId);
  if (records == nullptr) {
    track(processId, 1);
    return false;
  }
  if (*records >= kSnapshotEvery) {
    *records = 1;
    return true;
  }
  ++*records;
  return false;
}

void SnapshotCounter::set(const Uuid& processId, int records) {
  std::lock_guard lock(mutex_);
  if (records <= 0) {
    records_.erase(processId);
  } else if (int* stored = records_.get(processId)) {
    *stored = records;
  } else {
    track(processId, records);
  }
}

void SnapshotCounter::track(const Uuid& processId, int records) {
  if (records_.size() >= kMaxTracked) records_.clear();
  records_.insert(processId, records);
}

void SnapshotCounter::forget(const Uuid& processId) {
  std::lock_guard lock(mutex_);
  records_.erase(processId);
}

bool leavesMemory(const ProcessRow& row) { return row.info.ended() || row.wakeAt.has_value(); }

}  // namespace pledge::server::journal
