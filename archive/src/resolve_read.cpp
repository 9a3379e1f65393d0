// Resolve-then-read (resolve_read.hpp).
#include "h5archive/resolve_read.hpp"

#include "printable.hpp"

namespace h5archive {

std::string detail::reference_step(std::string_view reference) {
  return "Reference " + quote(reference);
}

Array read_reference_selection(const StagingArea& area, std::string_view reference,
                               std::optional<std::string_view> current_upload,
                               const Selection& selection) {
  return resolve_and_read(area, reference, current_upload, [&](const Resolved& r) {
    return read_selection(r.file, r.dataset, selection);
  });
}

}  // namespace h5archive
