// `pledge-server token create --role worker --actors 'MailService#1.0'`: prints a new token and
// the entry for the server config (auth/auth.h). argv starts at "token".
#pragma once

namespace pledge::server {

// The command's exit code: 0, or 2 for bad arguments (said on stderr).
int runTokenCommand(int argc, const char* const* argv);

}  // namespace pledge::server
