// The HTTP side: routes, the H5Web page from memory, request log, signals.
// HDF5 work happens in H5GroveApi under its lock; here only bytes move.
#include "http_server.hpp"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

namespace h5archive::serve {
namespace {

using Clock = std::chrono::steady_clock;
thread_local Clock::time_point request_start = Clock::now();

// httplib's ThreadPool with a bounded queue: when every worker is busy and
// `capacity` accepted connections wait, the accepting thread waits too, and
// further clients wait in the kernel's listen backlog instead of piling up
// open sockets here.
class BoundedPool : public httplib::TaskQueue {
 public:
  BoundedPool(unsigned threads, std::size_t capacity) : capacity_(capacity) {
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  void enqueue(std::function<void()> job) override {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [this] { return jobs_.size() < capacity_; });
    jobs_.push_back(std::move(job));
    ready_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& worker : workers_) worker.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and nothing left to do
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      room_.notify_one();
      job();
    }
  }
  std::size_t capacity_;
  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> jobs_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  bool stopping_ = false;
};

struct StaticFile {
  std::string content_type;
  std::string body;
};

// The page's three files, read once at start: requests never open a file
// outside the staging root.
std::map<std::string, StaticFile> load_page(const std::filesystem::path& dir) {
  std::map<std::string, StaticFile> files;
  if (dir.empty()) return files;
  const std::pair<const char*, const char*> names[] = {{"index.html", "text/html; charset=utf-8"},
                                                       {"main.js", "text/javascript"},
                                                       {"main.css", "text/css"}};
  for (const auto& [name, type] : names) {
    std::ifstream in(dir / name, std::ios::binary);
    if (!in) continue;
    std::ostringstream body;
    body << in.rdbuf();
    files["/" + std::string(name)] = {type, body.str()};
  }
  if (files.count("/index.html")) files["/"] = files["/index.html"];
  return files;
}

// Printable ASCII only: a request target is attacker-chosen text.
std::string printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text.substr(0, 2000)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

// Hands the body over without copying it (httplib's set_content copies):
// /data answers are often megabytes.
void send(Reply reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [key, value] : reply.headers) res.set_header(key, value);
  if (!reply.stream) {
    if (reply.body.size() < 65536) return res.set_content(reply.body, reply.content_type);
    auto body = std::make_shared<std::string>(std::move(reply.body));
    res.set_content_provider(
        body->size(), reply.content_type,
        [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          return sink.write(body->data() + offset, length);
        });
    return;
  }
  auto stream = reply.stream;
  auto pending = std::make_shared<std::string>();
  res.set_content_provider(
      reply.stream_length, reply.content_type,
      [stream, pending](std::size_t, std::size_t, httplib::DataSink& sink) {
        pending->clear();
        try {
          if (!stream->next(*pending)) return false;
        } catch (...) {  // headers are gone: all that is left is to cut the body short
          return false;
        }
        return sink.write(pending->data(), pending->size());
      });
}

void set_routes(httplib::Server& server, const H5GroveApi& api,
                const std::map<std::string, StaticFile>& page) {
  server.Get(R"(/(meta|attr|data|paths)/?)",
             [&api](const httplib::Request& req, httplib::Response& res) {
               Params params(req.params.begin(), req.params.end());
               send(api.handle(req.matches[1], params), res);
             });
  server.Get(R"(/(|index\.html|main\.js|main\.css))",
             [&page](const httplib::Request& req, httplib::Response& res) {
               const auto it = page.find(req.path);
               if (it != page.end())
                 return res.set_content(it->second.body, it->second.content_type);
               // No page built: answer like h5grove's health check.
               if (req.path == "/") return res.set_content("ok", "text/plain");
               send(error_reply(404, "Not found: " + req.path), res);
             });
  // Browsers ask for it on every page; there is none.
  server.Get("/favicon.ico",
             [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string message = res.status == 404 ? "Not found: " + printable(req.path)
                                                  : "HTTP error " + std::to_string(res.status);
    send(error_reply(res.status, message), res);
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        send(error_reply(500, "Internal server error"), res);
      });
}

void set_logging(httplib::Server& server, std::ostream& log) {
  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  static std::mutex log_mutex;
  server.set_logger([&log](const httplib::Request& req, const httplib::Response& res) {
    const double ms =
        std::chrono::duration<double, std::milli>(Clock::now() - request_start).count();
    const std::size_t bytes = res.body.empty() ? res.content_length_ : res.body.size();
    char line[64];
    std::snprintf(line, sizeof line, " %d %zu %.1fms", res.status, bytes, ms);
    std::lock_guard lock(log_mutex);
    log << req.method << ' ' << printable(req.target) << line << '\n' << std::flush;
  });
}

}  // namespace

int run_server(const StagingArea& area, const ServerOptions& options, std::ostream& out,
               std::ostream& log) {
  // SIGINT/SIGTERM go to one thread that stops the server; every other
  // thread (the pool included, which inherits the mask) ignores them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const H5GroveApi api(area, options.limits);
  const auto page = load_page(options.web_dir);
  httplib::Server server;
  const unsigned threads = options.threads;
  server.new_task_queue = [threads] { return new BoundedPool(threads, 4 * threads); };
  server.set_keep_alive_timeout(2);
  server.set_keep_alive_max_count(1000);  // httplib's default, 5, reconnects all the time
  // Small answers (/meta) go out at once, not after the client's delayed ACK.
  server.set_tcp_nodelay(true);  // an idle browser connection frees its thread soon
  set_routes(server, api, page);
  if (!options.quiet) set_logging(server, log);

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) port = 0;
  } else if (!server.bind_to_port(options.host, port)) {
    port = 0;
  }
  if (port == 0) {
    log << "h5archive serve: cannot listen on " << options.host << ":" << options.port << "\n";
    return 1;
  }
  out << "h5archive serve: listening on http://" << options.host << ":" << port << "/ (root "
      << area.root().string() << ", " << threads << " threads"
      << (page.empty() ? ", no H5Web page" : "") << ")\n"
      << std::flush;

  std::thread stopper([&server, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    server.stop();
  });
  server.listen_after_bind();
  // Woken by a signal (the usual way) or the server stopping on its own.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  log << "h5archive serve: stopped\n" << std::flush;
  return 0;
}

}  // namespace h5archive::serve
