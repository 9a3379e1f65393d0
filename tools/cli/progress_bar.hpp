// A one-line progress bar on stderr for long transfers (`h5archive put`).
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>

namespace h5archive::cli {

/// Redraws "[#####     ]  42%  1.2 GiB / 3.0 GiB  150.0 MiB/s" in place with a
/// carriage return, at most ten times a second, and ends the line at finish().
/// A disabled bar prints nothing.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, std::uint64_t total_bytes);
  /// `done_bytes` of the total are through.
  void update(std::uint64_t done_bytes);
  /// Draws the final state and ends the line.
  void finish();

 private:
  void draw(std::uint64_t done_bytes);

  std::ostream& out_;
  bool enabled_;
  std::uint64_t total_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

/// Whether standard error is a terminal (the default for --progress).
bool stderr_is_terminal();

}  // namespace h5archive::cli
