// `h5archive serve` against h5grove's Python app: both started here on free
// loopback ports, both asked the same requests by the same client threads.
#include "serve_bench.hpp"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>

#include "h5archive/dataset_io.hpp"
#include "h5archive/staging_area.hpp"

extern char** environ;

namespace h5archive::bench {
namespace {

constexpr std::uint64_t kRows = 4096, kCols = 1024;  // float64: 32 MiB
constexpr std::uint64_t kSliceRows = 128;            // 128 x 1024 x 8 B = 1 MiB
constexpr double kMetaGoal = 3.0, kDataGoal = 5.0;

// A server process printing "listening on http://127.0.0.1:<port>/" on its
// stdout; stopped with SIGTERM when the object goes.
class Server {
 public:
  explicit Server(const std::vector<std::string>& argv) {
    int fds[2];
    require(pipe(fds) == 0, "pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    std::FILE* out = fdopen(fds[0], "r");
    char line[512];
    while (rc == 0 && out && std::fgets(line, sizeof line, out)) {
      const char* at = std::strstr(line, "http://127.0.0.1:");
      if (at) {
        port_ = std::atoi(at + std::strlen("http://127.0.0.1:"));
        break;
      }
    }
    if (out) std::fclose(out);  // the server never writes again: no SIGPIPE
    if (port_ <= 0) {
      stop();
      throw std::runtime_error(argv[0] + " " + argv[1] + " did not start listening");
    }
  }
  ~Server() { stop(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  int port() const { return port_; }

 private:
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  pid_t pid_ = -1;
  int port_ = 0;
};

// A minimal HTTP/1.1 keep-alive client: one connection, a GET, the status
// and the body length. Reads in 1 MiB pieces into a reused buffer, so the
// client costs little next to the servers measured (both share 2 cores).
class Connection {
 public:
  explicit Connection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    require(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "connect");
    buffer_.resize(1 << 20);
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns the status (0 on a broken connection); `bytes` gets the body length.
  int get(const std::string& target, std::size_t& bytes) {
    const std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";
    if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size()))
      return 0;
    std::string head;
    std::size_t have = 0;  // body bytes already in buffer_ after the head
    for (;;) {
      const ssize_t n = recv(fd_, buffer_.data(), buffer_.size(), 0);
      if (n <= 0) return 0;
      head.append(buffer_.data(), static_cast<std::size_t>(n));
      const auto end = head.find("\r\n\r\n");
      if (end != std::string::npos) {
        have = head.size() - end - 4;
        head.resize(end);
        break;
      }
    }
    const auto cl = head.find("Content-Length: ");
    if (cl == std::string::npos || head.size() < 12) return 0;
    bytes = std::strtoull(head.c_str() + cl + 16, nullptr, 10);
    for (std::size_t got = have; got < bytes;) {
      const ssize_t n = recv(fd_, buffer_.data(), std::min(buffer_.size(), bytes - got), 0);
      if (n <= 0) return 0;
      got += static_cast<std::size_t>(n);
    }
    return std::atoi(head.c_str() + 9);  // "HTTP/1.1 200 OK"
  }

 private:
  int fd_ = -1;
  std::vector<char> buffer_;
};

// `clients` threads, each on its own keep-alive connection, asking
// `target(i)` in a loop for `seconds`; every answer must be 200 with
// `expected_bytes` bytes (0: any).
ServeFigures load(int port, int clients, double seconds,
                  const std::function<std::string(std::uint64_t)>& target,
                  std::size_t expected_bytes) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  std::atomic<bool> failed{false};
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      try {
        auto connection = std::make_unique<Connection>(port);
        for (std::uint64_t i = static_cast<std::uint64_t>(c); Clock::now() < end;
             i += static_cast<std::uint64_t>(clients)) {
          const auto start = Clock::now();
          std::size_t bytes = 0;
          int status = connection->get(target(i), bytes);
          if (status == 0) {  // the server closed the connection (keep-alive limit): again
            connection = std::make_unique<Connection>(port);
            status = connection->get(target(i), bytes);
          }
          if (status != 200 || (expected_bytes && bytes != expected_bytes)) {
            failed = true;
            return;
          }
          latencies[static_cast<std::size_t>(c)].push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
      } catch (...) {  // a thread's exception would end the program
        failed = true;
      }
    });
  }
  for (auto& t : threads) t.join();
  require(!failed, fmt::format("requests to port {} ({})", port, target(0)));
  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  require(!all.empty(), "any answered request");
  const auto at = [&](double q) { return all[static_cast<std::size_t>(q * (all.size() - 1))]; };
  return {static_cast<double>(all.size()) / seconds, at(0.50), at(0.99)};
}

// The round with the median throughput of `reps` (its latencies with it).
ServeFigures measure(const ServeOptions& o, int port,
                     const std::function<std::string(std::uint64_t)>& target, std::size_t bytes) {
  load(port, o.clients, 0.3, target, bytes);  // warm-up: connections, page cache
  std::vector<ServeFigures> rounds;
  for (int r = 0; r < o.reps; ++r)
    rounds.push_back(load(port, o.clients, o.seconds, target, bytes));
  std::sort(rounds.begin(), rounds.end(),
            [](const ServeFigures& a, const ServeFigures& b) { return a.per_s < b.per_s; });
  return rounds[rounds.size() / 2];
}

}  // namespace

ServeResults run_serve_bench(const ServeOptions& o, const fs::path& folder) {
  const fs::path root = folder / "serve-staging";
  const StagingArea area(root);
  area.create_upload("bench_upload");
  std::vector<double> values(kRows * kCols);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i % 9973);
  write_dataset(area.raw_file_path("bench_upload", "bench.h5"), "/x",
                Array::of(values, {kRows, kCols}));

  const std::string file = "/uploads/bench_upload/raw/bench.h5";
  const auto meta = [&](std::uint64_t) { return "/meta?file=" + file + "&path=/x"; };
  const auto data = [&](std::uint64_t i) {
    const std::uint64_t start = (i * kSliceRows) % kRows;
    return fmt::format("/data?file={}&path=/x&format=bin&dtype=safe&selection={}:{},:", file, start,
                       start + kSliceRows);
  };
  const std::size_t slice_bytes = kSliceRows * kCols * 8;
  ServeResults r;
  r.clients = o.clients;
  {
    Server ours({o.h5archive, "--root", root.string(), "serve", "--port", "0", "--quiet"});
    r.ours_meta = measure(o, ours.port(), meta, 0);
    r.ours_data = measure(o, ours.port(), data, slice_bytes);
  }
  {
    Server theirs({o.python, o.h5grove_app, "--root", root.string()});
    r.theirs_meta = measure(o, theirs.port(), meta, 0);
    r.theirs_data = measure(o, theirs.port(), data, slice_bytes);
  }
  fmt::print(stderr, "[serve] /meta {:.0f} vs {:.0f} req/s; /data 1 MiB {:.0f} vs {:.0f} req/s\n",
             r.ours_meta.per_s, r.theirs_meta.per_s, r.ours_data.per_s, r.theirs_data.per_s);
  return r;
}

std::vector<Row> serve_rows(const ServeResults& r) {
  const auto rate = [&](const std::string& what, const ServeFigures& a, const ServeFigures& b,
                        double goal) {
    const double ratio = a.per_s / b.per_s;
    return Row{what,
               fmt::format("{:.0f} req/s", a.per_s),
               fmt::format("{:.0f} req/s", b.per_s),
               fmt::format("{:.2f}", ratio),
               fmt::format(">= {:.2f} (goal)", goal),
               met(ratio >= goal)};
  };
  const auto latency = [](const std::string& what, const ServeFigures& a, const ServeFigures& b) {
    return Row{what,
               fmt::format("{:.2f} / {:.2f} ms", a.p50_ms, a.p99_ms),
               fmt::format("{:.2f} / {:.2f} ms", b.p50_ms, b.p99_ms),
               fmt::format("{:.2f}", a.p50_ms / b.p50_ms),
               "-",
               "-"};
  };
  const std::string c = fmt::format("{} clients", r.clients);
  return {rate("serve /meta vs h5grove app, " + c, r.ours_meta, r.theirs_meta, kMetaGoal),
          latency("serve /meta p50 / p99 latency", r.ours_meta, r.theirs_meta),
          rate("serve /data 1 MiB bin vs h5grove app, " + c, r.ours_data, r.theirs_data, kDataGoal),
          latency("serve /data 1 MiB p50 / p99 latency", r.ours_data, r.theirs_data)};
}

}  // namespace h5archive::bench
