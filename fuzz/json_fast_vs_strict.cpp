// The fast readers (simdjson) against the strict decoders, on any text: whatever the fast path
// takes, the strict decoders take too and decode to the same values (it may decline more). Both
// for request bodies under the limits and for answers read as written data (limits::Ignored).
// The first byte picks: bit 0 written data, bit 2 a whole release request (bit 1 set) or answer
// (release.h), else the decisions (bit 1 set) or polled tasks of a document.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pledge/json.h"
#include "pledge/json_reader.h"
#include "pledge/limits.h"
#include "pledge/release.h"

namespace {

using pledge::fuzz::check;
using pledge::fuzz::fail;
using pledge::Json;

template <typename T, typename Fast>
void compare(std::string_view text, std::string_view listKey, Fast fast) {
  auto taken = fast(text, listKey);
  if (!taken) return;
  Json strict;
  std::vector<T> items;
  try {
    strict = pledge::parseJson(text);
    items = pledge::readField(strict, listKey, pledge::readArray<T>);
  } catch (const std::exception& error) {
    fail(std::string("the fast path took what the strict decoders refuse: ") + error.what());
  }
  check(items == taken->items, "the fast path decoded other values than the strict decoders");
  strict.erase(std::string(listKey));
  check(strict == taken->rest, "the fast path kept other fields than the strict decoders");
}

// A whole document (a release request or answer): what the fast reader takes, the strict
// decoders read to the same value.
template <typename T, typename Fast>
void compareWhole(std::string_view text, Fast fast) {
  std::optional<T> taken = fast(text);
  if (!taken) return;
  T strict;
  try {
    strict = pledge::parseJson(text).get<T>();
  } catch (const std::exception& error) {
    fail(std::string("the fast path took what the strict decoders refuse: ") + error.what());
  }
  check(strict == *taken, "the fast path decoded another value than the strict decoders");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool written = (data[0] & 1) != 0;
  std::optional<pledge::limits::Ignored> ignored;
  if (written) ignored.emplace();
  if ((data[0] & 4) != 0) {
    if ((data[0] & 2) != 0) {
      compareWhole<pledge::ReleaseRequest>(text, pledge::readReleaseRequestFast);
    } else {
      compareWhole<pledge::ReleaseAnswer>(text, pledge::readReleaseAnswerFast);
    }
  } else if ((data[0] & 2) != 0) {
    compare<pledge::Decision>(text, "decisions", pledge::readDecisionsFast);
  } else {
    compare<pledge::PolledTask>(text, "tasks", pledge::readPolledTasksFast);
  }
  return 0;
}
