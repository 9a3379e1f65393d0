// Reading what a reference points to: resolve it in a staging area, then
// read from the file it names. The one place that pairs the two steps, so
// that a failed read always says which reference it was reading.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "h5archive/array.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/selection.hpp"
#include "h5archive/staging_area.hpp"

namespace h5archive {

namespace detail {
/// The step a failed read of `reference` adds to the message: "Reference '<r>'".
std::string reference_step(std::string_view reference);
}  // namespace detail

/// Resolves `reference` with StagingArea::resolve() (`current_upload` serving
/// references without a `/uploads/` prefix), then returns `read(resolved)`.
/// Resolve errors name the reference already; an h5archive::Error thrown by
/// `read` is rethrown as the same type with the reference in front of its
/// message ("Reference '<r>': Dataset /x not found in ...", see
/// rethrow_with_step()). Nothing is formatted unless a step fails.
template <class Read>
auto resolve_and_read(const StagingArea& area, std::string_view reference,
                      std::optional<std::string_view> current_upload, Read&& read)
    -> std::invoke_result_t<Read, const Resolved&> {
  const Resolved resolved = area.resolve(reference, current_upload);
  try {
    return std::forward<Read>(read)(resolved);
  } catch (const Error&) {
    rethrow_with_step(detail::reference_step(reference));
  }
}

/// Reads `selection` of the dataset a reference points to (resolve_and_read
/// with read_selection()): a raw file, another upload or an entry archive.
Array read_reference_selection(const StagingArea& area, std::string_view reference,
                               std::optional<std::string_view> current_upload,
                               const Selection& selection);

}  // namespace h5archive
