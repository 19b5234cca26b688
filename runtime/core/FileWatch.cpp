#include "core/FileWatch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <system_error>

namespace mesh {
namespace {

// Long enough for a writer's burst of events, short enough to feel immediate.
constexpr auto kSettleTime = std::chrono::milliseconds(50);

int openInotify(const std::string& path) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
  std::string directory = std::filesystem::path(path).parent_path().string();
  if (directory.empty()) directory = ".";
  if (::inotify_add_watch(fd, directory.c_str(),
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB) < 0) {
    const int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "watching " + directory);
  }
  return fd;
}

}  // namespace

FileWatch::FileWatch(boost::asio::io_context& context, const std::string& path,
                     std::function<void()> onChange)
    : inotify_(context, openInotify(path)), settle_(context), onChange_(std::move(onChange)) {}

void FileWatch::start() { readEvents(); }

void FileWatch::readEvents() {
  inotify_.async_read_some(
      boost::asio::buffer(events_), [this](const boost::system::error_code& ec, size_t) {
        if (ec) return;
        // Which file an event names does not matter: the caller compares the file's content.
        settle_.expires_after(kSettleTime);
        settle_.async_wait([this](const boost::system::error_code& timerError) {
          if (!timerError) onChange_();
        });
        readEvents();
      });
}

}  // namespace mesh
