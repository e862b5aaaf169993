// Beast's request as the HttpRequest handlers see (http_message.cpp). Private to http/: Beast
// stays inside http/.
#pragma once

#include <boost/beast/http.hpp>
#include <optional>

#include "pledge/server/http/http_server.h"

namespace pledge::server {

// The request a parsed message is: method, target, its decoded path segments and query, the
// X-Pledge-Forwarded header and the body (moved out of message). nullopt for a malformed target.
std::optional<HttpRequest> toRequest(
    boost::beast::http::request<boost::beast::http::string_body>& message);

}  // namespace pledge::server
