// The limits of limits.h and the error codes of error.h, written into the OpenAPI document, so
// that it states what the server enforces. Private to rest/ (openapi.cpp).
//
//   Json doc = describedDocument();
//   addLimits(doc);  // info.x-pledge-limits, maxLength/maxItems/ranges, Error.code's enum
//
// Pure functions; thread-safe.
#pragma once

#include "pledge/json.h"

namespace pledge::server::openapi {

// Adds the limits and the error codes to doc, the document openapi.cpp describes: its info
// (x-pledge-limits and a sentence of them), the component schemas and request bodies they bound,
// and the 400, 413, 429 and 503 answers every operation may meet. doc must hold the paths and
// component schemas the limits name.
void addLimits(Json& doc);

}  // namespace pledge::server::openapi
