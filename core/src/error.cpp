#include "pledge/error.h"

#include <array>

namespace pledge {
namespace {

struct CodeRow {
  ErrorCode code;
  std::string_view name;
  int status;
};

constexpr std::array kCodeTable{
    CodeRow{ErrorCode::BadRequest, "bad_request", 400},
    CodeRow{ErrorCode::Unauthenticated, "unauthenticated", 401},
    CodeRow{ErrorCode::Forbidden, "forbidden", 403},
    CodeRow{ErrorCode::NotFound, "not_found", 404},
    CodeRow{ErrorCode::MethodNotAllowed, "method_not_allowed", 405},
    CodeRow{ErrorCode::Conflict, "conflict", 409},
    CodeRow{ErrorCode::Cancelled, "cancelled", 409},
    CodeRow{ErrorCode::PayloadTooLarge, "payload_too_large", 413},
    CodeRow{ErrorCode::LimitExceeded, "limit_exceeded", 429},
    CodeRow{ErrorCode::Unavailable, "unavailable", 503},
    CodeRow{ErrorCode::Internal, "internal", 500},
};

const CodeRow& rowOf(ErrorCode code) {
  for (const auto& row : kCodeTable) {
    if (row.code == code) return row;
  }
  return kCodeTable.back();
}

}  // namespace

std::string_view errorCodeName(ErrorCode code) { return rowOf(code).name; }

int httpStatus(ErrorCode code) { return rowOf(code).status; }

ErrorCode errorCodeFromName(std::string_view name) {
  for (const auto& row : kCodeTable) {
    if (row.name == name) return row.code;
  }
  return ErrorCode::Internal;
}

std::vector<ErrorCode> allErrorCodes() {
  std::vector<ErrorCode> codes;
  for (const auto& row : kCodeTable) codes.push_back(row.code);
  return codes;
}

namespace detail {

void throwRequireFailed(std::string message) {
  throw Error(ErrorCode::BadRequest, std::move(message));
}

void throwAssertFailed(const char* file, int line, const char* condition, std::string message) {
  throw Error(ErrorCode::Internal,
              fmt::format("internal error at {}:{}: {} ({})", file, line, message, condition));
}

}  // namespace detail
}  // namespace pledge
