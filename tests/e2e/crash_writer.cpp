// A writer for tests/e2e/crash_safety_test.py to kill: it loops adding steps
// to one entry archive and logs each step it has committed, with fsync, so the
// test knows what must survive a SIGKILL.
//
//   crash_writer <root> <log> <mode> [entry]
//
// Step n adds the repeated sub-section /data/steps/n. Its `value` is an array
// of n-dependent float64s (see value_of) written to the entry's archive HDF5
// file; its `x` is a list kept in the JSON. Then the archive is saved and
// "commit n" is logged. Modes differ in where the time goes:
//   assign  one 1 MiB array assigned per step (HDF5 writes dominate);
//   save    small arrays but a JSON that grows by 160 KB per step (saves dominate);
//   stream  a 1 MiB array is streamed with a QuantityWriter (from
//           EntryArchive::stream_dataset) in 64 blocks into /streams/n, and
//           `value` becomes a reference to it;
//   once    three assign steps of 1 KiB, then exit (for bystander entries).
// A restarted writer loads the saved archive and continues after its last step.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "h5archive/entry_archive.hpp"
#include "h5archive/quantity_writer.hpp"
#include "h5archive/schema.hpp"

using namespace h5archive;

namespace {

constexpr const char* kUpload = "crash";

/// Element j of step n's array: exact in float64, different for every (n, j).
double value_of(std::uint64_t n, std::uint64_t j) {
  return static_cast<double>(n) * 1048576.0 + static_cast<double>(j) + 0.25;
}

std::vector<double> values(std::uint64_t n, std::uint64_t first, std::uint64_t count) {
  std::vector<double> v(count);
  for (std::uint64_t j = 0; j < count; ++j) v[j] = value_of(n, first + j);
  return v;
}

std::shared_ptr<const SectionDef> schema() {
  auto step = SectionDef("Step")
                  .quantity(QuantityDef::hdf5_reference("value"))
                  .quantity(QuantityDef::number("x").shape({any_size}))
                  .shared();
  return SectionDef("CrashData").sub_section("steps", step, true).shared();
}

void log_commit(int fd, std::uint64_t n) {
  const std::string line = "commit " + std::to_string(n) + "\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fsync(fd) != 0) {
    std::perror("crash_writer: log");
    std::exit(2);
  }
}

}  // namespace

int run(int argc, char** argv);

// A library error (a full disk: tests/e2e/full_disk_test.py) ends the writer
// with exit code 1 and the message, as the CLI does, not with an abort.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Error& e) {
    std::fprintf(stderr, "crash_writer: error: %s\n", e.what());
    return 1;
  }
}

int run(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: crash_writer <root> <log> assign|save|stream|once [entry]\n");
    return 2;
  }
  const StagingArea area(argv[1]);
  const std::string mode = argv[3];
  const std::string entry = argc > 4 ? argv[4] : "victim";
  area.create_upload(kUpload);
  const int log = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (log < 0) {
    std::perror("crash_writer: open log");
    return 2;
  }

  EntryArchive archive = [&] {
    if (std::filesystem::exists(area.archive_json_path(kUpload, entry)))
      return EntryArchive::load(area, schema(), kUpload, entry);
    return EntryArchive(schema(), EntryMetadata{kUpload, entry, "crash.txt"}, area);
  }();
  const std::uint64_t elements = mode == "assign" ? (1u << 17) : mode == "once" ? 128 : 4096;
  const std::uint64_t list_size = mode == "save" ? 8000 : 4;
  const std::uint64_t last = mode == "once" ? 3 : UINT64_MAX;
  for (std::uint64_t n = archive.data().count("steps"); n < last; ++n) {
    Section& step = archive.data().add("steps");
    if (mode == "stream") {
      const std::string stream = "/streams/" + std::to_string(n);
      QuantityWriter writer = archive.stream_dataset(stream, DType::float64, Extent::unlimited());
      const std::uint64_t block = 2048;
      for (std::uint64_t b = 0; b < 64; ++b) writer.append(Array::of(values(n, b * block, block)));
      writer.finish();
      step.set("value", "/uploads/crash/archive/" + entry + "#" + stream);
    } else {
      step.set("value", Array::of(values(n, 0, elements)));
    }
    step.set("x", values(n, 0, list_size));
    archive.save();
    log_commit(log, n);
  }
  ::close(log);
  return 0;
}
