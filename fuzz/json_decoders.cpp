// Every JSON decoder of the wire model, on any text: the first byte picks the type, the rest is
// the document. A decoder either returns a value or throws JsonError (BadRequest, a message that is
// valid UTF-8 and names the field); anything else escaping is a finding. A decoded value encodes
// (both with the library and with the fast writer, to the same bytes) and decodes back to itself.
// Also the process list's cursors.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pledge/decision.h"
#include "pledge/event.h"
#include "pledge/json.h"
#include "pledge/json_writer.h"
#include "pledge/polled_task.h"
#include "pledge/process_info.h"
#include "pledge/server/store/store.h"
#include "pledge/start_request.h"
#include "pledge/text.h"

namespace {

using pledge::fuzz::check;
using pledge::fuzz::fail;
using pledge::Json;

template <typename T>
void roundTrip(const T& value) {
  Json encoded = value;
  const std::string text = pledge::dumpJson(encoded);
  T back;
  try {
    back = pledge::parseJson(text).get<T>();
  } catch (const std::exception& error) {
    fail(std::string("a decoded value does not decode again from its encoding: ") + error.what() + "\n" + text);
  }
  check(back == value, "a value changed in a round trip: " + text);
}

template <typename T>
void roundTripWithWriter(const T& value) {
  roundTrip(value);
  check(pledge::toJsonText(value) == pledge::dumpJson(Json(value)), "the fast writer differs from the library");
}

template <typename T, typename After>
void decode(std::string_view text, After after) {
  T value;
  try {
    value = pledge::parseJson(text).get<T>();
  } catch (const pledge::JsonError& error) {
    check(error.code() == pledge::ErrorCode::BadRequest, "a JsonError that is no BadRequest");
    check(pledge::isValidUtf8(error.message()), "an error message that is not UTF-8: " + error.message());
    return;
  }
  after(value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 13) {
    case 0: decode<pledge::StartRequest>(text, [](const auto& v) { roundTrip(v); }); break;
    case 1: decode<pledge::Decision>(text, [](const auto& v) { roundTripWithWriter(v); }); break;
    case 2: decode<pledge::TaskSpec>(text, [](const auto& v) { roundTripWithWriter(v); }); break;
    case 3: decode<pledge::ArgSpec>(text, [](const auto& v) { roundTripWithWriter(v); }); break;
    case 4: decode<pledge::CallOptions>(text, [](const auto& v) { roundTripWithWriter(v); }); break;
    case 5: decode<pledge::RetryPolicy>(text, [](const auto& v) { roundTripWithWriter(v); }); break;
    case 6: decode<pledge::TaskError>(text, [](const auto& v) { roundTripWithWriter(v); }); break;
    case 7: decode<pledge::PolledTask>(text, [](const auto& v) { roundTripWithWriter(v); }); break;
    case 8: decode<pledge::ProcessInfo>(text, [](const auto& v) { roundTrip(v); }); break;
    case 9: decode<pledge::StartedProcess>(text, [](const auto& v) { roundTrip(v); }); break;
    case 10:
      try {
        auto [startedAt, id] = pledge::server::decodeProcessCursor(std::string(text));
        const auto again = pledge::server::decodeProcessCursor(pledge::server::encodeProcessCursor(startedAt, id));
        check(again.first == startedAt && again.second == id, "a cursor changed in a round trip");
      } catch (const pledge::Error& error) {
        check(error.code() == pledge::ErrorCode::BadRequest, "a bad cursor that is no BadRequest");
        check(pledge::isValidUtf8(error.message()), "a cursor error that is not UTF-8: " + error.message());
      }
      break;
    case 11: decode<pledge::Event>(text, [](const auto& v) { roundTrip(v); }); break;
    case 12: decode<pledge::EventDelivery>(text, [](const auto& v) { roundTrip(v); }); break;
  }
  return 0;
}
