// A child process spoken to line by line over pipes: the h5py side of the write
// benchmark, and the streaming benchmark's one process per size (a fresh
// process, so its peak resident memory is its own and not the driver's).
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace h5archive::bench {

class ChildProcess {
 public:
  /// Starts `argv[0]` (searched on PATH if it has no `/`) with its stdin and
  /// stdout connected to this object; its stderr is the driver's.
  explicit ChildProcess(const std::vector<std::string>& argv);
  /// Closes its stdin and waits for it, if wait() was not called.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Sends one line (a newline is added) and flushes.
  void send(const std::string& line);
  /// The next line of its stdout without the newline; throws
  /// std::runtime_error naming the program if it ended first.
  std::string receive();

  struct Exit {
    int status = -1;       ///< exit code, or -1 if killed by a signal
    long max_rss_kib = 0;  ///< getrusage's ru_maxrss of the child
  };
  /// Closes its stdin and waits for it to end.
  Exit wait();

 private:
  std::string program_;
  pid_t pid_ = -1;
  std::FILE* to_ = nullptr;
  std::FILE* from_ = nullptr;
};

}  // namespace h5archive::bench
