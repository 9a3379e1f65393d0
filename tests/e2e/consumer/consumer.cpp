// Resolves a reference and writes/reads a quantity with the installed library.
#include <h5archive/h5archive.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  h5archive::StagingArea area(argv[1]);
  area.create_upload("u1");
  const auto file = area.archive_hdf5_path("u1", "e1");
  h5archive::write_dataset(file, "/data/value", h5archive::Array::eye(3));
  const auto resolved = area.resolve("/uploads/u1/archive/e1#/data/value");
  const auto values = h5archive::read_dataset(resolved.file, resolved.dataset);
  std::printf("%s %s %g\n", resolved.file.filename().c_str(), values.dtype_name().c_str(),
              values.values<double>()[4]);
  return 0;
}
