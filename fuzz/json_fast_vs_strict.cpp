// The fast readers (simdjson) against the strict decoders, on any text: whatever the fast path
// takes, the strict decoders take too and decode to the same values (it may decline more). Both
// for request bodies under the limits and for answers read as written data (limits::Ignored).
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pledge/json.h"
#include "pledge/json_reader.h"
#include "pledge/limits.h"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool written = (data[0] & 1) != 0;
  std::optional<pledge::limits::Ignored> ignored;
  if (written) ignored.emplace();
  if ((data[0] & 2) != 0) {
    compare<pledge::Decision>(text, "decisions", pledge::readDecisionsFast);
  } else {
    compare<pledge::PolledTask>(text, "tasks", pledge::readPolledTasksFast);
  }
  return 0;
}
