#pragma once

// Calls back when a file may have changed: inotify on the file's directory, so that replacing the
// file by a rename (how editors, `kubectl cp` and ConfigMap volumes swap files, the last through a
// symlink in that directory) is seen as well as writing it in place. Events come in bursts (a
// write, a close, a rename); the callback runs once they have settled for a moment. It may run
// when the file itself is unchanged (another file of the directory changed): the caller compares.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

namespace mesh {

class FileWatch {
 public:
  // Throws std::system_error when inotify cannot watch the directory.
  FileWatch(boost::asio::io_context& context, const std::string& path,
            std::function<void()> onChange);
  FileWatch(const FileWatch&) = delete;
  FileWatch& operator=(const FileWatch&) = delete;

  void start();

 private:
  void readEvents();

  boost::asio::posix::stream_descriptor inotify_;
  boost::asio::steady_timer settle_;
  std::function<void()> onChange_;
  char events_[4096];
};

}  // namespace mesh
