// Fast paths of the strict decoders for the hottest wire documents: a runner's release body
// ({"decisions":[...]}) and the server's poll answer ({"tasks":[...]}), read with simdjson
// straight into values, without a Json tree; and the release request and answer (release.h)
// read through them.
//
//   std::optional<FastDocument<Decision>> fast = readDecisionsFast(body);
//   std::vector<Decision> decisions = fast ? std::move(fast->items) : strictDecode(body);
//
// Each function returns what the strict decoders (parseJson + from_json) return for the same
// text, or nullopt when the text is anything else: malformed JSON, a field out of its range, or
// a shape it leaves to the strict decoders (a duplicate key, say). The caller then decodes with
// them, which names the problem precisely; so every error message stays theirs.
// json_reader_test holds both to the same results on valid and broken documents.
//
// Thread-safe (each thread keeps its own parser).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "pledge/decision.h"
#include "pledge/json.h"
#include "pledge/polled_task.h"
#include "pledge/release.h"

namespace pledge {

template <typename T>
struct FastDocument {
  // The array under the document's list key.
  std::vector<T> items;
  // The document's other top-level fields, as a Json object.
  Json rest = Json::object();
};

// {"<listKey>":[Decision...], ...other fields} (a release body: listKey "decisions").
std::optional<FastDocument<Decision>> readDecisionsFast(std::string_view text,
                                                        std::string_view listKey = "decisions");
// {"<listKey>":[PolledTask...], ...other fields} (a poll answer: listKey "tasks").
std::optional<FastDocument<PolledTask>> readPolledTasksFast(std::string_view text,
                                                            std::string_view listKey = "tasks");
// A release request: its decisions through readDecisionsFast, its poll strictly (it is small).
std::optional<ReleaseRequest> readReleaseRequestFast(std::string_view text);
// A release answer that carries tasks: them through readPolledTasksFast, the results strictly.
std::optional<ReleaseAnswer> readReleaseAnswerFast(std::string_view text);

}  // namespace pledge
