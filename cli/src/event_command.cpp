// pledge event send: an event from the command line, and what its delivery did, in words;
// pledge event list: the events kept for a waiter to come.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "commands.h"
#include "pledge/cli/process_view.h"
#include "pledge/cli/table.h"
#include "pledge/event.h"
#include "pledge/limits.h"
#include "pledge/task_spec.h"

namespace pledge::cli {
namespace {

// The payload as JSON: from PAYLOAD_JSON, from --payload-file, or null.
Json payloadOf(const EventSendOptions& options) {
  if (options.payload && !options.payloadFile.empty()) {
    throw UsageError("give the payload as PAYLOAD_JSON or with --payload-file, not both");
  }
  if (!options.payloadFile.empty()) {
    std::ifstream in(options.payloadFile, std::ios::binary);
    if (!in) throw UsageError(fmt::format("--payload-file: cannot read {}", options.payloadFile));
    std::ostringstream text;
    text << in.rdbuf();
    try {
      return parseJson(text.str());
    } catch (const Error& error) {
      throw UsageError(
          fmt::format("--payload-file {} is not JSON: {}", options.payloadFile, error.what()));
    }
  }
  if (!options.payload) return Json();
  try {
    return parseJson(*options.payload);
  } catch (const Error& error) {
    // The usual slip: plain text, which JSON wants in quotes (and the shell wants kept).
    throw UsageError(fmt::format(
        "PAYLOAD_JSON is not JSON ({}): a text payload is a JSON string, quoted for the shell "
        "too, e.g. '{}'; or leave it out for null",
        error.what(), Json(*options.payload).dump(-1, ' ', false, Json::error_handler_t::replace)));
  }
}

Event eventOf(const EventSendOptions& options) {
  Event event;
  event.name = options.name;
  if (auto problem = checkMethodName(event.name)) throw UsageError("NAME: " + *problem);
  event.key = options.key;
  if (auto problem = checkEventKey(event.key)) throw UsageError("KEY: " + *problem);
  event.payload = payloadOf(options);
  if (!options.id.empty()) event.id = options.id;
  if (options.retentionMs) {
    if (*options.retentionMs < 0 || *options.retentionMs > limits::kMaxTimeoutMs) {
      throw UsageError(
          fmt::format("--retention-ms must be 0 to {} (30 days)", limits::kMaxTimeoutMs));
    }
    event.retentionMs = options.retentionMs;
  }
  return event;
}

// One line: what the delivery did. retentionMs is what the command asked for, if anything.
std::string describe(const EventDelivery& delivery, std::optional<std::int64_t> retentionMs) {
  const std::string subject =
      fmt::format("{} {}", delivery.name, delivery.key.empty() ? "(no key)" : delivery.key);
  if (delivery.duplicate) {
    return fmt::format("{}: duplicate of an earlier event (id {}): nothing changed", subject,
                       delivery.id.value_or("?"));
  }
  if (delivery.resolved > 0) {
    return fmt::format("{}: resolved {} waiting task{}", subject, delivery.resolved,
                       delivery.resolved == 1 ? "" : "s");
  }
  if (delivery.kept) {
    return fmt::format("{}: kept for {}{} (nobody waits yet)", subject,
                       humanDuration(retentionMs.value_or(kDefaultEventRetentionMs)),
                       retentionMs ? "" : " by default");
  }
  return subject + ": nobody waits, and it was not kept (retention 0)";
}

}  // namespace

int Commands::sendEvent(const EventSendOptions& options) {
  const Event event = eventOf(options);
  const EventDelivery delivery = options.process.empty()
                                     ? client_.sendEvent(event)
                                     : client_.sendEvent(processIdArgument(options.process), event);
  if (json_) {
    out_ << Json(delivery).dump(2) << "\n";
  } else {
    out_ << describe(delivery, options.retentionMs) << "\n";
  }
  return kExitOk;
}

int Commands::listEvents(const std::optional<std::string>& name, int limit) {
  if (limit < 1 || limit > 1000) throw UsageError("--limit must be 1 to 1000");
  const Json events = client_.keptEvents(name, limit);
  if (json_) {
    out_ << events.dump(2) << "\n";
    return kExitOk;
  }
  if (events.empty()) {
    out_ << "no kept events: every event sent found its waiters, or expired\n";
    return kExitOk;
  }
  Table table({"NAME", "KEY", "ID", "FOR PROCESS", "PAYLOAD", "KEPT FOR"});
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  for (const Json& event : events) {
    std::string payload = event.value("payload", Json()).dump();
    if (payload.size() > 40) payload = payload.substr(0, 39) + "…";
    const std::int64_t until = event.value("keptUntil", std::int64_t{0});
    table.add({event.value("name", ""), event.value("key", ""), event.value("id", ""),
               event.value("processId", "any"), payload,
               humanDuration(std::max<std::int64_t>(0, until - now))});
  }
  out_ << table.render();
  return kExitOk;
}

}  // namespace pledge::cli
