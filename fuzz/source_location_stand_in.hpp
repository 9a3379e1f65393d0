// A stand-in for std::source_location where the compiler cannot build
// libstdc++'s (clang < 15 lacks __builtin_source_location): the connector's
// private header names the type in declarations. Fuzz builds only; it records
// no location, which only error-stack messages would show.
#pragma once

#if defined(__clang__) && __clang_major__ < 15
#include <cstdint>
#include <source_location>  // empty with this compiler; included so it stays so

namespace std {
struct source_location {
  static consteval source_location current() noexcept { return {}; }
  constexpr std::uint_least32_t line() const noexcept { return 0; }
  constexpr std::uint_least32_t column() const noexcept { return 0; }
  constexpr const char* file_name() const noexcept { return ""; }
  constexpr const char* function_name() const noexcept { return ""; }
};
}  // namespace std
#endif
