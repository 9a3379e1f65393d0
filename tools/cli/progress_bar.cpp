// Progress drawing: throttled so a fast stream is not slowed by the terminal.
#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <ostream>
#include <string>

#include <fmt/format.h>

namespace h5archive::cli {
namespace {

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} {}", bytes, units[u])
                : fmt::format("{:.1f} {}", bytes, units[u]);
}

}  // namespace

ProgressBar::ProgressBar(std::ostream& out, bool enabled, std::uint64_t total_bytes)
    : out_(out),
      enabled_(enabled),
      total_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressBar::update(std::uint64_t done_bytes) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(done_bytes);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  draw(total_);
  out_ << "\n" << std::flush;
}

void ProgressBar::draw(std::uint64_t done_bytes) {
  constexpr int width = 30;
  const double fraction =
      total_ == 0 ? 1.0
                  : std::min(1.0, static_cast<double>(done_bytes) / static_cast<double>(total_));
  const int filled = static_cast<int>(fraction * width);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string rate =
      seconds > 0 ? human_bytes(static_cast<double>(done_bytes) / seconds) + "/s" : "";
  out_ << fmt::format("\r[{}{}] {:3.0f}%  {} / {}  {}   ", std::string(filled, '#'),
                      std::string(width - filled, ' '), fraction * 100,
                      human_bytes(static_cast<double>(done_bytes)),
                      human_bytes(static_cast<double>(total_)), rate)
       << std::flush;
  drawn_ = true;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace h5archive::cli
