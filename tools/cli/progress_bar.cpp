// Progress drawing: throttled so a fast stream is not slowed by the terminal.
#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <ostream>
#include <string>

#include <fmt/format.h>

#include "h5archive/checked_size.hpp"

namespace h5archive::cli {

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
  const double per_second = seconds > 0 ? static_cast<double>(done_bytes) / seconds : 0;
  // Clamped: a double beyond 2**64 does not convert (a tiny `seconds`).
  const std::string rate =
      seconds > 0
          ? human_bytes(per_second < 0x1p63 ? static_cast<std::uint64_t>(per_second) : 1ull << 63) +
                "/s"
          : "";
  out_ << fmt::format("\r[{}{}] {:3.0f}%  {} / {}  {}   ", std::string(filled, '#'),
                      std::string(width - filled, ' '), fraction * 100, human_bytes(done_bytes),
                      human_bytes(total_), rate)
       << std::flush;
  drawn_ = true;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace h5archive::cli
