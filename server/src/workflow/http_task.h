// Internal to the workflow room: the HTTP system task (docs/workflows.md, HTTP).
#pragma once

#include "pledge/json.h"

namespace pledge::server::workflow {

// Sends Conductor's http_request ({uri, method, headers, body, accept, contentType,
// connectionTimeOut, readTimeOut}) and answers {"response": {statusCode, reasonPhrase, headers,
// body}} (a JSON body parsed). Throws TaskError: pledge.HttpStatus for an answer that is not
// 2xx (retryable for 408, 429 and 5xx), pledge.HttpError when no answer came (retryable),
// pledge.BadWorkflowInput for a malformed request (not retryable).
Json runHttpTask(const Json& request);

}  // namespace pledge::server::workflow
