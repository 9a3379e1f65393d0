// h5py's require_dataset: one set of create-or-reuse rules for every writer.
#include "require_dataset.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "dataset_io_detail.hpp"
#include "dataset_io_internal.hpp"

namespace h5archive::detail {
namespace {

namespace fs = std::filesystem;

Shape trailing(const Shape& s) { return s.empty() ? Shape{} : Shape(s.begin() + 1, s.end()); }

// The creation list of a new dataset of `request.extent`: chunks and filters
// for a request with a layout (none for a scalar or an empty fixed extent,
// which have nothing to chunk), HDF5's default (contiguous) otherwise.
Hid creation_list(const DatasetRequest& request, const std::vector<hsize_t>& maxdims,
                  const std::string& what) {
  Hid dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), "Creating a dataset-creation property list");
  if (!request.layout) return dcpl;
  const DatasetLayout& layout = *request.layout;
  const Extent& extent = request.extent;
  const Shape& shape = extent.shape;
  const bool deflate = layout.compression.kind == Compression::Kind::deflate;
  const bool chunked = !shape.empty() && (extent.unlimited_rows || element_count(shape) > 0);
  if (!chunked && (layout.chunks || deflate))
    throw ValueError(
        fmt::format("{} of shape {} cannot be chunked or compressed", what, extent.str()));
  if (!chunked) return dcpl;
  const Shape chunks = layout.chunks ? *layout.chunks : default_chunks(request.dtype, extent);
  bool ok = chunks.size() == shape.size();
  for (std::size_t i = 0; ok && i < chunks.size(); ++i)
    ok = chunks[i] > 0 && (maxdims[i] == H5S_UNLIMITED || chunks[i] <= shape[i]);
  if (!ok)
    throw ValueError(fmt::format("Chunk shape {} does not fit {} of shape {}", shape_str(chunks),
                                 what, extent.str()));
  std::vector<hsize_t> c(chunks.begin(), chunks.end());
  check(H5Pset_chunk(dcpl.get(), static_cast<int>(c.size()), c.data()),
        [&] { return "Setting chunks " + shape_str(chunks) + " on " + what; });
  if (deflate && layout.compression.shuffle)
    check(H5Pset_shuffle(dcpl.get()), [&] { return "Enabling shuffle on " + what; });
  if (deflate)
    check(H5Pset_deflate(dcpl.get(), layout.compression.level),
          [&] { return "Enabling deflate on " + what; });
  return dcpl;
}

RequiredDataset create_new(hid_t f, const DatasetRequest& request, const std::string& what) {
  RequiredDataset r;
  r.stored = {request.dtype, request.string_size};
  r.shape = request.extent.shape;
  std::vector<hsize_t> dims(r.shape.begin(), r.shape.end()), maxdims = dims;
  if (request.extent.unlimited_rows) maxdims[0] = H5S_UNLIMITED;
  Hid space =
      r.shape.empty()
          ? checked(H5Screate(H5S_SCALAR), "Creating a scalar dataspace")
          : checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                    [&] { return "Creating a dataspace of shape " + request.extent.str(); });
  Hid dcpl = creation_list(request, maxdims, what);
  if (request.before_create) request.before_create(r.stored);
  Hid ftype = file_type(request.dtype, request.string_size);
  r.dataset = create_staged_dataset(f, ftype.get(), space.get(), dcpl.get(), request.dapl, what);
  return r;
}

// The staged copy of `old`: its type, layout and filters; an unlimited
// request starts again from 0 rows (a reassigned dataset keeps only the new
// rows). Old attributes are copied (but request.skip_attributes).
void create_replacement(hid_t f, hid_t old, hid_t space, const DatasetRequest& request,
                        RequiredDataset& r, const std::string& what) {
  Hid ftype = checked(H5Dget_type(old), [&] { return "Reading the type of " + what; });
  Hid dcpl = checked(H5Dget_create_plist(old),
                     [&] { return "Reading the creation properties of " + what; });
  Hid fresh;
  if (request.extent.unlimited_rows) {
    std::vector<hsize_t> maxdims(r.shape.size());
    H5Sget_simple_extent_dims(space, nullptr, maxdims.data());
    r.shape[0] = 0;
    std::vector<hsize_t> dims(r.shape.begin(), r.shape.end());
    fresh = checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                    [&] { return "Creating a dataspace of shape " + request.extent.str(); });
  }
  if (request.before_create) request.before_create(r.stored);
  r.dataset = create_staged_dataset(f, ftype.get(), fresh ? fresh.get() : space, dcpl.get(),
                                    request.dapl, what);
  try {
    copy_attributes(old, r.dataset.get(), request.skip_attributes, what);
  } catch (...) {
    discard_staged_dataset(r.dataset);
    throw;
  }
}

// In place (SWMR): the old dataset reopened with the request's access list;
// the skipped attributes would describe data that is about to change.
void reopen_in_place(hid_t f, const std::string& path, const fs::path& file,
                     const DatasetRequest& request, RequiredDataset& r, const std::string& what) {
  if (request.before_create) request.before_create(r.stored);
  r.dataset = open_dataset(f, path, request.dapl, file, what);
  delete_attributes(r.dataset.get(), request.skip_attributes, what);
}

}  // namespace

void delete_attributes(hid_t object, const std::vector<std::string>& names,
                       const std::string& what) {
  for (const std::string& name : names) {
    htri_t exists;
    {
      QuietErrors quiet;
      exists = H5Aexists(object, name.c_str());
    }
    if (exists > 0)
      check(H5Adelete(object, name.c_str()),
            [&] { return "Deleting the old attribute " + name + " of " + what; });
  }
}

RequiredDataset require_dataset(hid_t f, const std::string& path, const fs::path& file,
                                const DatasetRequest& request, const std::string& what) {
  Hid old = open_existing_dataset_for_writing(f, path, file);
  if (!old) return create_new(f, request, what);
  RequiredDataset r;
  r.existed = true;
  Hid space = checked(H5Dget_space(old.get()), [&] { return "Reading the dataspace of " + what; });
  r.shape = space_shape(space.get(), "Dataset " + path + " in " + file.string());
  std::vector<hsize_t> maxdims(r.shape.size());
  if (!r.shape.empty()) H5Sget_simple_extent_dims(space.get(), nullptr, maxdims.data());
  const bool extendable = !r.shape.empty() && maxdims[0] == H5S_UNLIMITED;
  const Extent& extent = request.extent;
  const bool same = extent.unlimited_rows
                        ? extendable && trailing(r.shape) == trailing(extent.shape)
                        : r.shape == extent.shape;
  const std::string existing =
      request.show_extent && extendable ? Extent{r.shape, true}.str() : shape_str(r.shape);
  check_reassigned_shape(same, existing, extent.str(), what);
  r.stored = check_reassigned_dtype(old.get(), request.dtype, request.string_size, what);
  if (!request.staged) {
    old.close();
    reopen_in_place(f, path, file, request, r, what);
  } else {
    create_replacement(f, old.get(), space.get(), request, r, what);
  }
  return r;
}

}  // namespace h5archive::detail
