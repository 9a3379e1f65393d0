// User input as it appears in messages.
#pragma once

#include <string>
#include <string_view>

namespace h5archive::detail {

/// `input` as valid UTF-8 text for a message: messages reach programs that
/// decode them (h5py raises UnicodeDecodeError on a stray byte) and what() is
/// a C string that a NUL would end, so control characters and bytes outside
/// valid UTF-8 become \xNN (NUL \0), and input past 1 KiB is cut.
std::string printable(std::string_view input);

/// A culprit as messages quote it: printable(input) in single quotes, with a
/// quote inside it written \' so the culprit's end is unambiguous. Every
/// quoted name, path, key or value in the library's messages goes through
/// it, so they look alike and none can smuggle raw bytes into a message.
std::string quote(std::string_view input);

}  // namespace h5archive::detail
