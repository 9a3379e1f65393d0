// Reading numpy-like selections: resolve against the stored shape, then one
// strided hyperslab read through dataset_io (which owns the HDF5 handling).
#include "h5archive/selection.hpp"

namespace h5archive {

Array read_selection(const std::filesystem::path& file, const std::string& dataset_path,
                     const Selection& selection) {
  const StridedSlab slab = resolve(selection, dataset_info(file, dataset_path).shape);
  return read_dataset_strided(file, dataset_path, slab);
}

void read_selection_into(const std::filesystem::path& file, const std::string& dataset_path,
                         const Selection& selection, void* buffer, std::size_t buffer_bytes,
                         DType mem_dtype) {
  const StridedSlab slab = resolve(selection, dataset_info(file, dataset_path).shape);
  read_dataset_into(file, dataset_path, slab, buffer, buffer_bytes, mem_dtype);
}

}  // namespace h5archive
