// Text that crosses a process boundary: UTF-8 checks and repairs, and the one rule for the names
// and ids the API stores (actor, method, taskList, customId, worker, error types).
//
//   if (auto problem = checkName(actor, limits::kMaxNameBytes)) throw JsonError(*problem);
//   std::string shown = quoteInput(request.target);     // safe in any error message
//   std::string cut = std::string(truncateUtf8(text, 40));   // never cut inside a character
//
// Every function is pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pledge {

// The byte offset of the first byte that does not belong to a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF included); nullopt when text is
// valid UTF-8.
std::optional<std::size_t> firstInvalidUtf8(std::string_view text);
inline bool isValidUtf8(std::string_view text) { return !firstInvalidUtf8(text).has_value(); }

// text with every byte of a broken sequence replaced by U+FFFD.
std::string toValidUtf8(std::string_view text);

// The longest prefix of text of at most maxBytes bytes that does not end inside a UTF-8
// sequence.
std::string_view truncateUtf8(std::string_view text, std::size_t maxBytes);

// Client input made fit to quote in a message: valid UTF-8, control characters as \xNN, cut to
// about maxBytes with "..." appended when longer.
std::string quoteInput(std::string_view text, std::size_t maxBytes = 80);

// Checks a name or id the API stores: valid UTF-8, no control character (U+0000-U+001F, U+007F),
// at most maxBytes bytes, and not empty unless allowEmpty. The message says what is wrong and
// where; nullopt when the text is fine.
std::optional<std::string> checkName(std::string_view text, std::size_t maxBytes,
                                     bool allowEmpty = false);

}  // namespace pledge
