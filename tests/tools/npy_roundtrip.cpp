// Test program for tests/e2e/npy_interop_test.py: reads a .npy file with
// libh5archive and writes it back, whole or in row blocks, so numpy can check
// both directions. Prints the header it read; errors go to stderr, exit 1.
#include <cstdlib>
#include <iostream>
#include <string>

#include "h5archive/npy.hpp"

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 5 && std::string(argv[3]) == "--stream")) {
    std::cerr << "usage: npy_roundtrip IN.npy OUT.npy [--stream ROWS]\n";
    return 2;
  }
  try {
    const h5archive::NpyHeader h = h5archive::read_npy_header(argv[1]);
    std::cout << "descr=" << h.descr << " shape=" << h5archive::shape_str(h.shape)
              << " version=" << h.major_version << "." << h.minor_version << "\n";
    if (argc == 3 || h.shape.empty()) {  // a 0-d file has no rows to stream
      h5archive::write_npy(argv[2], h5archive::read_npy(argv[1]));
      return 0;
    }
    // Bounded memory: one block of rows at a time.
    const std::uint64_t rows = std::strtoull(argv[4], nullptr, 10);
    h5archive::NpyReader reader(argv[1]);
    const std::size_t size = h.unicode ? h.item_size / 4 : h.string_size;
    h5archive::NpyWriter writer(argv[2], h.dtype, h.row_shape(), size);
    while (reader.rows_remaining() > 0) writer.append(reader.read_rows(rows));
    writer.close();
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
