// Replacing a file's content atomically, for the archive JSON and the CLI's
// outputs alike.
#pragma once

#include <filesystem>
#include <string>

namespace h5archive {

/// Writes `text` to `path` atomically: a temporary file in the same folder,
/// then a rename, so readers see the old or the new content, never a part.
/// Error naming the file on failure (the old file is then unchanged).
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace h5archive
