// The JSON of REST API v1 answers as RestClient reads them: error objects (release answers are
// the wire model's, release.h); and the encoding of URL parts. Private to the client library.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pledge/error.h"
#include "pledge/json.h"
#include "pledge/rest_client.h"

namespace pledge {

// The error of an answer with status >= 400: the server's error object, or for a body that is
// none (a proxy's page) Error(NotFound) for 404 and Error(Internal) otherwise, quoting the body.
Error errorFromResponse(int status, const std::string& body);

// text as one component of a URL (a path segment or a query value): percent-encoded but for
// letters, digits and -_.~
std::string urlEncode(std::string_view text);

}  // namespace pledge
