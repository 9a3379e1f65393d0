#include "child_process.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace h5archive::bench {

ChildProcess::ChildProcess(const std::vector<std::string>& argv) : program_(argv.at(0)) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::fflush(nullptr);  // nothing buffered may be written twice
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], strerror(errno));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  if (pid_ < 0) {
    ::close(in[1]);
    ::close(out[0]);
    throw std::runtime_error("fork: " + std::string(strerror(errno)));
  }
  to_ = ::fdopen(in[1], "w");
  from_ = ::fdopen(out[0], "r");
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) wait();
}

void ChildProcess::send(const std::string& line) {
  if (to_ == nullptr || std::fputs((line + "\n").c_str(), to_) < 0 || std::fflush(to_) != 0)
    throw std::runtime_error("cannot write to " + program_);
}

std::string ChildProcess::receive() {
  std::string line;
  int c;
  while (from_ != nullptr && (c = std::fgetc(from_)) != EOF) {
    if (c == '\n') return line;
    line.push_back(static_cast<char>(c));
  }
  throw std::runtime_error(program_ + " ended without answering" +
                           (line.empty() ? std::string{} : " (partial line: " + line + ")"));
}

ChildProcess::Exit ChildProcess::wait() {
  if (to_ != nullptr) std::fclose(to_);
  to_ = nullptr;
  Exit e;
  rusage usage{};
  int status = 0;
  pid_t done;
  do {
    done = ::wait4(pid_, &status, 0, &usage);
  } while (done < 0 && errno == EINTR);
  if (from_ != nullptr) std::fclose(from_);
  from_ = nullptr;
  pid_ = -1;
  if (done > 0 && WIFEXITED(status)) e.status = WEXITSTATUS(status);
  e.max_rss_kib = usage.ru_maxrss;
  return e;
}

}  // namespace h5archive::bench
