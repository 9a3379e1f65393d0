// Internal: h5py's require_dataset, shared by whole writes (write_dataset)
// and the streaming QuantityWriter, so the create-or-reuse rules exist once.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "h5archive/layout.hpp"
#include "hdf5_handle.hpp"
#include "hdf5_types.hpp"

namespace h5archive::detail {

/// The storage of a new dataset: chunks (default_chunks() if unset) and
/// filters. A request without one creates a contiguous dataset.
struct DatasetLayout {
  std::optional<Shape> chunks;
  Compression compression;
};

/// What a writer asks for at a path.
struct DatasetRequest {
  DType dtype = DType::float64;
  std::size_t string_size = 0;
  /// The shape; with unlimited rows, an existing dataset must be extendable
  /// with the same trailing dimensions, and a new one starts with 0 rows.
  Extent extent;
  /// Messages show an existing extendable dataset's shape as an extent
  /// ("(None, 3)", the streaming writer's notation) rather than h5py's dims.
  bool show_extent = false;
  std::optional<DatasetLayout> layout;
  hid_t dapl = H5P_DEFAULT;
  /// true: the value goes into a staged dataset (dataset_io_detail.hpp) that
  /// the caller commits; false (SWMR): an existing dataset is opened in place
  /// and a new one is left for the caller to link.
  bool staged = true;
  /// Attributes of the old dataset not copied onto the staged one.
  std::vector<std::string> skip_attributes;
  /// Called with the stored type once every check has passed, before
  /// anything is created (a whole write reserves disk space there).
  std::function<void(const StoredType&)> before_create;
};

struct RequiredDataset {
  Hid dataset;
  StoredType stored;
  Shape shape;           ///< the dataset's dims now
  bool existed = false;  ///< a dataset was at the path
};

/// h5py's require_dataset at normalised `path` of open file `f` (named
/// `file`): an existing dataset must have the same shape (TypeMismatchError
/// "Shapes do not match (existing <e> vs new <n>) for <what>") and a dtype the
/// requested one casts safely into ("Datatypes cannot be safely cast ...");
/// its type, layout and filters are kept and its attributes copied (but
/// `skip_attributes`). A group or link in the way gives h5py's "Incompatible
/// object" error. Every check comes before anything is created.
RequiredDataset require_dataset(hid_t f, const std::string& path, const std::filesystem::path& file,
                                const DatasetRequest& request, const std::string& what);

/// Deletes those attributes of `names` that `object` has (`what` names it
/// in messages).
void delete_attributes(hid_t object, const std::vector<std::string>& names,
                       const std::string& what);

}  // namespace h5archive::detail
