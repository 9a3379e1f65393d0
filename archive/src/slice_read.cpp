// Reading numpy-like selections: resolve against the stored shape, then one
// strided hyperslab read through dataset_io (which owns the HDF5 handling),
// from the dataset opened once.
#include "h5archive/selection.hpp"

#include "dataset_reader.hpp"

namespace h5archive {

Array read_selection(const std::filesystem::path& file, const std::string& dataset_path,
                     const Selection& selection) {
  const detail::OpenDataset d = detail::open_for_reading(file, dataset_path);
  return detail::read_strided(d, resolve(selection, detail::info_of(d).shape));
}

void read_selection_into(const std::filesystem::path& file, const std::string& dataset_path,
                         const Selection& selection, void* buffer, std::size_t buffer_bytes,
                         DType mem_dtype) {
  const detail::OpenDataset d = detail::open_for_reading(file, dataset_path);
  detail::read_into(d, resolve(selection, detail::info_of(d).shape), buffer, buffer_bytes,
                    mem_dtype);
}

}  // namespace h5archive
