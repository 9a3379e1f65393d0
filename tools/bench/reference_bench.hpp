// Reference parse and resolve rates on a realistic mix of references:
// archive references (`/uploads/<u>/archive/<entry>#/data/...`), raw files of
// other uploads (`/uploads/<u>/raw/<dir>/<file>#/entry/...`), and raw files of
// the current upload with no prefix (`<dir>/<file>#/...`), in an existing
// staging area of several uploads. Parse-only times Reference::parse;
// parse+resolve times StagingArea::resolve, which parses, validates the ids and
// checks on the file system that the upload exists and that no symbolic link
// leads out of it.
#pragma once

#include <vector>

#include "bench_support.hpp"

namespace h5archive::bench {

struct ReferenceOptions {
  int reps = 5;
  double seconds_per_measurement = 0.2;  ///< each rate is taken over at least this long
};

struct ReferenceResults {
  std::size_t distinct = 0;                   ///< distinct reference strings in the mix
  double parse_per_s = 0, resolve_per_s = 0;  ///< medians
};

ReferenceResults run_reference_bench(const ReferenceOptions& options, const fs::path& folder);

std::vector<Row> reference_rows(const ReferenceResults& r);

}  // namespace h5archive::bench
