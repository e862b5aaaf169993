#include "pledge/text.h"

#include <fmt/format.h>

namespace pledge {
namespace {

// The length of the well-formed UTF-8 sequence at text[i], or 0 when it is broken (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t sequenceAt(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead == 0xE0) {
    length = 3;
    low = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    length = 3;
  } else if (lead == 0xED) {
    length = 3;
    high = 0x9F;
  } else if (lead == 0xF0) {
    length = 4;
    low = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    length = 4;
  } else if (lead == 0xF4) {
    length = 4;
    high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

bool isControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

}  // namespace

std::optional<std::size_t> firstInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    // ASCII runs are the common case.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = sequenceAt(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

std::string toValidUtf8(std::string_view text) {
  if (isValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = sequenceAt(text, i);
    if (length == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string_view truncateUtf8(std::string_view text, std::size_t maxBytes) {
  if (text.size() <= maxBytes) return text;
  std::size_t end = maxBytes;
  // Step back over continuation bytes to the start of the character that does not fit.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string quoteInput(std::string_view text, std::size_t maxBytes) {
  const std::string valid = toValidUtf8(truncateUtf8(text, maxBytes));
  std::string out;
  out.reserve(valid.size() + 8);
  for (char c : valid) {
    if (isControl(static_cast<unsigned char>(c))) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  if (text.size() > maxBytes) out += "...";
  return out;
}

std::optional<std::string> checkName(std::string_view text, std::size_t maxBytes, bool allowEmpty) {
  if (text.empty() && !allowEmpty) return std::string("must not be empty");
  if (text.size() > maxBytes) {
    return fmt::format("must be at most {} bytes long, got {} bytes", maxBytes, text.size());
  }
  if (auto bad = firstInvalidUtf8(text)) {
    return fmt::format("must be valid UTF-8 (byte {} is not): \"{}\"", *bad, quoteInput(text));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (isControl(static_cast<unsigned char>(text[i]))) {
      return fmt::format("must not contain control characters (byte {} is 0x{:02X}): \"{}\"", i,
                         static_cast<unsigned char>(text[i]), quoteInput(text));
    }
  }
  return std::nullopt;
}

}  // namespace pledge
