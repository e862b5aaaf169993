// Limits: how much one request may hold and which ranges values may take. They are checked once,
// where input enters (the JSON decoders and the REST edge); over a limit is a 4xx naming the
// field and the limit, never a crash and never a silent cut. The OpenAPI document and the
// README state the same numbers (openapi_test holds the document to them).
//
//   PLEDGE_REQUIRE(decisions.size() <= limits::kMaxDecisionsPerRelease, "...");
#pragma once

#include <cstddef>
#include <cstdint>

namespace pledge::limits {

// Nesting of any JSON document (objects and arrays); deeper is refused before it is parsed.
inline constexpr std::size_t kMaxJsonDepth = 128;
// Nesting of JSON that Pledge wrote itself (a server's answers, the store's rows), which may
// wrap a value that was at the limit when it came in.
inline constexpr std::size_t kMaxWrittenJsonDepth = 1'024;

// Actor ids, method names, task lists, worker ids, error types: UTF-8 without control
// characters, at most this many bytes.
inline constexpr std::size_t kMaxNameBytes = 256;
// A process's customId and a start's requestId.
inline constexpr std::size_t kMaxCustomIdBytes = 512;
// A process's tags (docs/operations.md): how many, a key's and a value's bytes.
inline constexpr std::size_t kMaxTagsPerProcess = 20;
inline constexpr std::size_t kMaxTagKeyBytes = 64;
inline constexpr std::size_t kMaxTagValueBytes = 256;
// A task error's message.
inline constexpr std::size_t kMaxErrorMessageBytes = 64 * 1024;

// One release: decisions; one decision: new tasks; one task: arguments; a list argument: items.
inline constexpr std::size_t kMaxDecisionsPerRelease = 1'000;
inline constexpr std::size_t kMaxTasksPerDecision = 10'000;
inline constexpr std::size_t kMaxArgsPerTask = 1'000;
inline constexpr std::size_t kMaxListItems = 10'000;
// One batch start: processes; one poll: queues (actor and task list pairs).
inline constexpr std::size_t kMaxStartsPerBatch = 1'000;
inline constexpr std::size_t kMaxQueuesPerPoll = 100;
// Error types a retry policy or an acceptFail list names.
inline constexpr std::size_t kMaxErrorTypes = 100;

// Times: a task's lease (timeoutMs); a retry policy's initialMs and maxMs; epoch milliseconds
// (startTime, startedAfter, ...) up to the end of year 9999.
inline constexpr std::int64_t kMaxTimeoutMs = 30LL * 24 * 3600 * 1000;
inline constexpr std::int64_t kMaxRetryDelayMs = 365LL * 24 * 3600 * 1000;
inline constexpr std::int64_t kMaxEpochMs = 253'402'300'799'999;
inline constexpr double kMaxRetryMultiplier = 1'000;
inline constexpr std::int64_t kMaxRetryAttempts = 1'000'000;

// Whether the limits apply on this thread now: they do, except inside an Ignored scope.
bool enforced();

// While it lives, this thread reads data Pledge wrote itself (store rows, a server's answers):
// it was checked when it came in, under the limits of its day, so the decoders do not apply
// them again (and JSON may nest up to kMaxWrittenJsonDepth). Scopes nest.
class Ignored {
 public:
  Ignored();
  ~Ignored();
  Ignored(const Ignored&) = delete;
  Ignored& operator=(const Ignored&) = delete;
};

}  // namespace pledge::limits
