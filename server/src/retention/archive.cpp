#include "retention/archive.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "pledge/error.h"
#include "pledge/server/retention/retention.h"

namespace pledge::server::retention {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(ErrorCode::Internal,
              fmt::format("retention archive: cannot {} {}: {}", what, path, std::strerror(errno)));
}

// Closes a file descriptor when the scope ends.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string archivePath(const std::string& dir, std::int64_t now) {
  return (std::filesystem::path(dir) / archiveFileName(now)).string();
}

void appendDurably(const std::string& path, const std::string& text) {
  const bool existed = std::filesystem::exists(path);
  FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (file.get() < 0) fail("open", path);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(file.get(), text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write", path);
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(file.get()) != 0) fail("sync", path);
  if (!existed) {  // the new file's name is durable once its folder is synced
    const std::string dir = std::filesystem::path(path).parent_path().string();
    FileDescriptor folder(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (folder.get() < 0 || ::fsync(folder.get()) != 0) fail("sync the folder of", path);
  }
}

}  // namespace pledge::server::retention

namespace pledge::server {

std::string archiveFileName(std::int64_t now) {
  const std::time_t seconds = static_cast<std::time_t>(now / 1000);
  std::tm day{};
  gmtime_r(&seconds, &day);
  return fmt::format("processes-{:04}-{:02}-{:02}.jsonl", day.tm_year + 1900, day.tm_mon + 1,
                     day.tm_mday);
}

}  // namespace pledge::server
