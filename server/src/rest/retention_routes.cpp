// Routes of retention (docs/operations.md "Retention"): this node's settings and counters, and
// a pass now. In a cluster each node answers for the partitions it owns (no gathering).
#include "pledge/server/retention/retention.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {
namespace {

Json optionalJson(const std::optional<std::int64_t>& value) {
  return value ? Json(*value) : Json();
}

Json passJson(const RetentionPass& pass) {
  return {{"cutoff", pass.cutoff},
          {"deletedProcesses", pass.deletedProcesses},
          {"deletedTasks", pass.deletedTasks},
          {"archivedBytes", pass.archivedBytes},
          {"batches", pass.batches}};
}

Retention& retentionOf(Retention* retention) {
  if (retention == nullptr) throw Error(ErrorCode::Unavailable, "retention: not on this server");
  return *retention;
}

}  // namespace

std::vector<RestApi::Route> RestApi::Resources::retention() {
  return {
      route("GET", "/api/v1/retention",
            [](RestApi& api, const HttpRequest&, const PathParams&, Responder respond) {
              const RetentionStatus status = retentionOf(api.retention_).status();
              const RetentionOptions& options = status.options;
              const Json archiveDir =
                  options.archiveDir.empty() ? Json() : Json(options.archiveDir);
              respond(jsonResponse(
                  200, {{"maxAgeMs", optionalJson(options.maxAgeMs)},
                        {"archiveDir", archiveDir},
                        {"batch", options.batch},
                        {"intervalMs", options.maxAgeMs
                                           ? Json(Retention::intervalMs(*options.maxAgeMs))
                                           : Json()},
                        {"deletedProcesses", status.deletedProcesses},
                        {"deletedTasks", status.deletedTasks},
                        {"archivedBytes", status.archivedBytes},
                        {"lastRunAt", optionalJson(status.lastRunAt)},
                        {"lastError", status.lastError ? Json(*status.lastError) : Json()},
                        {"oldestEndedAt", optionalJson(status.oldestEndedAt)}}));
            }),
      route("POST", "/api/v1/retention/run",
            [](RestApi& api, const HttpRequest&, const PathParams&, Responder respond) {
              retentionOf(api.retention_)
                  .runSoon([respond = std::move(respond)](Result<RetentionPass> pass) {
                    if (!pass.ok()) return respond(errorResponse(pass.error()));
                    respond(jsonResponse(200, passJson(pass.value())));
                  });
            }),
  };
}

}  // namespace pledge::server
