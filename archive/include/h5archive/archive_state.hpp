// What every section of one entry archive shares: the entry's ids and the
// staging area it lives in. Its own header so that sections and the HDF5
// quantities below the entry archive need not include entry_archive.hpp.
#pragma once

#include <optional>
#include <string>

#include "h5archive/staging_area.hpp"

namespace h5archive {

/// The ids NOMAD's `EntryMetadata` gives HDF5 quantities.
struct EntryMetadata {
  std::optional<std::string> upload_id;
  std::optional<std::string> entry_id;
  std::optional<std::string> mainfile;
};

/// Shared by every section of one archive: what HDF5 assignments need.
struct ArchiveState {
  EntryMetadata metadata;
  /// NOMAD's m_context: the staging area the entry lives in. Without it,
  /// arrays cannot be assigned to HDF5 quantities.
  std::optional<StagingArea> context;
};

}  // namespace h5archive
