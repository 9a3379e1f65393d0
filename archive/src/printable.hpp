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

}  // namespace h5archive::detail
